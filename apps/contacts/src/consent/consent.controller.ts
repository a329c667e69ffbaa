import { Body, Controller, Get, Param, Post } from '@nestjs/common';
import { ApiTags } from '@nestjs/swagger';
import { CurrentPrincipal, RequirePermission, type Principal } from '@crm/platform';
import { ContactIdParams } from '../people/dto/person.dto';
import { PeopleService } from '../people/people.service';
import { ConsentDecisionDto, ConsentService } from './consent.service';

@ApiTags('consent')
@Controller('contacts/:id/consents')
export class ConsentController {
  constructor(
    private readonly consent: ConsentService,
    private readonly people: PeopleService,
  ) {}

  @Get()
  @RequirePermission('contacts:read')
  async list(@Param() { id }: ContactIdParams) {
    await this.people.get(id);
    return this.consent.forPerson(id);
  }

  @Post()
  @RequirePermission('contacts:write')
  decide(@Param() { id }: ContactIdParams, @Body() dto: ConsentDecisionDto, @CurrentPrincipal() by: Principal) {
    return this.consent.decide(id, dto, by);
  }
}
