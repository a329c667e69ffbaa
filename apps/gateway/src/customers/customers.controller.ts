import { Controller, Get, Param } from '@nestjs/common';
import { ApiOperation, ApiTags, ApiOkResponse, ApiProperty } from '@nestjs/swagger';
import { IsUUID } from 'class-validator';
import { CurrentPrincipal, RequirePermission, type Principal } from '@crm/platform';
import { Customer360Service } from './customer-360.service';
import { Customer360Dto } from './dto/customer-360.dto';

class CustomerIdParams {
  @ApiProperty({ format: 'uuid' })
  @IsUUID()
  id!: string;
}

@ApiTags('customers')
@Controller('api/v1/customers')
export class CustomersController {
  constructor(private readonly customers: Customer360Service) {}

  @Get(':id')
  @RequirePermission('contacts:read')
  @ApiOperation({
    summary: 'The customer 360: the person with account, consent and recent activities, plus every other service part',
    description:
      'Parts are asked in parallel with a deadline; one that does not answer in time is listed under `missing` with the reason. ' +
      'Parts of services the caller cannot read are listed as missing (forbidden). ' +
      'A contact merged into another answers 410 `CUSTOMER_MERGED` with `mergedInto` (the id to ask for), never a redirect.',
  })
  @ApiOkResponse({ type: Customer360Dto })
  get(@Param() params: CustomerIdParams, @CurrentPrincipal() caller: Principal) {
    return this.customers.get(params.id, caller);
  }
}
