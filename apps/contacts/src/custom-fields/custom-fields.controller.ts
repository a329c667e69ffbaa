import { Body, Controller, Get, Post } from '@nestjs/common';
import { ApiOperation, ApiTags, ApiCreatedResponse, ApiOkResponse } from '@nestjs/swagger';
import { RequirePermission, ApiProblem } from '@crm/platform';
import { CustomFieldsService } from './custom-fields.service';
import { CreateCustomFieldDto } from './dto/custom-field.dto';
import { CustomFieldDefinitionDto } from './dto/custom-field-view.dto';

@ApiTags('custom fields')
@Controller('custom-fields')
export class CustomFieldsController {
  constructor(private readonly fields: CustomFieldsService) {}

  @Get()
  @RequirePermission('contacts:read')
  @ApiOperation({ summary: 'The custom field definitions' })
  @ApiOkResponse({ type: [CustomFieldDefinitionDto] })
  list() {
    return this.fields.list();
  }

  @Post()
  @RequirePermission('contacts:admin')
  @ApiOperation({ summary: 'Define a custom field (409 CUSTOM_FIELD_EXISTS if the key is taken)' })
  @ApiCreatedResponse({ type: CustomFieldDefinitionDto, description: 'The definition' })
  @ApiProblem(409, 'CUSTOM_FIELD_EXISTS: the key is taken')
  define(@Body() dto: CreateCustomFieldDto) {
    return this.fields.define(dto);
  }
}
