import { Body, Controller, HttpCode, Param, Post } from '@nestjs/common';
import { ApiOperation, ApiTags } from '@nestjs/swagger';
import { CurrentPrincipal, RequirePermission, type Principal } from '@crm/platform';
import { ContactIdParams } from '../people/dto/person.dto';
import { ErasureDto } from './dto/erasure.dto';
import { ErasureService } from './erasure.service';

@ApiTags('contacts')
@Controller('contacts')
export class ErasureController {
  constructor(private readonly erasure: ErasureService) {}

  @Post(':id/erasure')
  @HttpCode(200)
  @RequirePermission('contacts:admin')
  @ApiOperation({ summary: 'Anonymise the person, keeping the id and non-personal facts; emits crm.contacts.contact.erased' })
  erase(@Param() { id }: ContactIdParams, @Body() dto: ErasureDto, @CurrentPrincipal() by: Principal) {
    return this.erasure.erase(id, by, dto.reason);
  }
}
