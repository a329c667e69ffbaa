import { Body, Controller, HttpCode, Param, Post } from '@nestjs/common';
import { ApiTags } from '@nestjs/swagger';
import { IsOptional, IsString, MaxLength } from 'class-validator';
import { CurrentPrincipal, RequirePermission, type Principal } from '@crm/platform';
import { ContactIdParams } from '../people/dto/person.dto';
import { ErasureService } from './erasure.service';

class ErasureDto {
  @IsOptional() @IsString() @MaxLength(500) reason?: string;
}

@ApiTags('contacts')
@Controller('contacts')
export class ErasureController {
  constructor(private readonly erasure: ErasureService) {}

  @Post(':id/erasure')
  @HttpCode(200)
  @RequirePermission('contacts:admin')
  erase(@Param() { id }: ContactIdParams, @Body() dto: ErasureDto, @CurrentPrincipal() by: Principal) {
    return this.erasure.erase(id, by, dto.reason);
  }
}
