import { Body, Controller, Get, Param, Post } from '@nestjs/common';
import { ApiOperation, ApiTags, ApiCreatedResponse, ApiOkResponse } from '@nestjs/swagger';
import { CurrentPrincipal, RequirePermission, type Principal, ApiProblem } from '@crm/platform';
import { ContactIdParams } from '../people/dto/person.dto';
import { PeopleService } from '../people/people.service';
import { ConsentService } from './consent.service';
import { ConsentDecisionDto } from './dto/consent.dto';
import { ConsentStateDto, PersonConsentDto } from './dto/consent-view.dto';

@ApiTags('consent')
@Controller('contacts/:id/consents')
export class ConsentController {
  constructor(
    private readonly consent: ConsentService,
    private readonly people: PeopleService,
  ) {}

  @Get()
  @RequirePermission('contacts:read')
  @ApiOperation({ summary: 'The consent in force per channel and purpose, and the history of decisions' })
  @ApiOkResponse({ type: PersonConsentDto })
  async list(@Param() { id }: ContactIdParams) {
    await this.people.get(id);
    return this.consent.forPerson(id);
  }

  @Post()
  @RequirePermission('contacts:write')
  @ApiOperation({ summary: 'Record a consent decision; emits crm.contacts.consent.changed with the state in force' })
  @ApiCreatedResponse({ type: ConsentStateDto, description: 'The decision recorded' })
  @ApiProblem(409, 'CONTACT_ERASED: an erased contact can no longer change')
  @ApiProblem(410, 'CONTACT_MERGED: merged into another contact, named by mergedInto')
  decide(@Param() { id }: ContactIdParams, @Body() dto: ConsentDecisionDto, @CurrentPrincipal() by: Principal) {
    return this.consent.decide(id, dto, by);
  }
}
