import { Body, Controller, Get, HttpCode, Param, Post } from '@nestjs/common';
import { ApiOperation, ApiTags, ApiOkResponse } from '@nestjs/swagger';
import { CurrentPrincipal, RequirePermission, type Principal } from '@crm/platform';
import { ContactIdParams } from '../people/dto/person.dto';
import { ErasureDto } from './dto/erasure.dto';
import { ErasureReceiptsService } from './erasure-receipts.service';
import { ErasureService } from './erasure.service';
import { PersonViewDto } from '../people/dto/person-view.dto';
import { ErasureStatusDto } from './dto/erasure-status.dto';

@ApiTags('contacts')
@Controller('contacts')
export class ErasureController {
  constructor(
    private readonly erasure: ErasureService,
    private readonly receipts: ErasureReceiptsService,
  ) {}

  @Post(':id/erasure')
  @HttpCode(200)
  @RequirePermission('contacts:admin')
  @ApiOperation({
    summary:
      'Anonymise the person and every contact merged into it, keeping the ids and non-personal facts; emits crm.contacts.contact.erased for each',
  })
  @ApiOkResponse({ type: PersonViewDto, description: 'The contact, anonymised' })
  erase(@Param() { id }: ContactIdParams, @Body() dto: ErasureDto, @CurrentPrincipal() by: Principal) {
    return this.erasure.erase(id, by, dto.reason);
  }

  @Get(':id/erasure')
  @RequirePermission('contacts:admin')
  @ApiOperation({
    summary:
      'Where the erasure of this contact stands: each participant pending or completed, and complete once all confirmed',
    description:
      'Participants are contacts and the services of ERASURE_PARTICIPANTS when it was asked; each confirms with crm.<service>.erasure.completed. ' +
      'A contact merged into an erased one answers the request that covered it. 404 ERASURE_NOT_FOUND if erasure was never asked.',
  })
  @ApiOkResponse({ type: ErasureStatusDto })
  status(@Param() { id }: ContactIdParams) {
    return this.receipts.status(id);
  }
}
