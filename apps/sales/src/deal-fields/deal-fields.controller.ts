import { Body, Controller, Get, Post } from '@nestjs/common';
import {
  ApiCreatedResponse,
  ApiExtraModels,
  ApiOkResponse,
  ApiOperation,
  ApiTags,
  getSchemaPath,
} from '@nestjs/swagger';
import { ApiProblem, RequirePermission } from '@crm/platform';
import { DealFieldsService } from './deal-fields.service';
import { CreateDealFieldDto, DealFieldViewDto } from './dto/deal-field.dto';

@ApiTags('deal fields')
@ApiExtraModels(DealFieldViewDto)
@Controller('deal-fields')
export class DealFieldsController {
  constructor(private readonly fields: DealFieldsService) {}

  @Get()
  @RequirePermission('sales:read')
  @ApiOperation({ summary: "The deals' custom field definitions" })
  @ApiOkResponse({ schema: { type: 'array', maxItems: 200, items: { $ref: getSchemaPath(DealFieldViewDto) } } })
  list() {
    return this.fields.list();
  }

  @Post()
  @RequirePermission('sales:admin')
  @ApiOperation({ summary: 'Define a deal custom field; values go in customFields.<key>' })
  @ApiCreatedResponse({ type: DealFieldViewDto })
  @ApiProblem(409, 'CUSTOM_FIELD_EXISTS: the key is taken')
  @ApiProblem(422, 'CUSTOM_FIELDS_FULL: 200 fields are defined')
  define(@Body() dto: CreateDealFieldDto) {
    return this.fields.define(dto);
  }
}
