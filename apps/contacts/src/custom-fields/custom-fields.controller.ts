import { Body, Controller, Get, Post } from '@nestjs/common';
import { ApiOperation, ApiTags } from '@nestjs/swagger';
import { RequirePermission } from '@crm/platform';
import { CustomFieldsService } from './custom-fields.service';
import { CreateCustomFieldDto } from './dto/custom-field.dto';

@ApiTags('custom fields')
@Controller('custom-fields')
export class CustomFieldsController {
  constructor(private readonly fields: CustomFieldsService) {}

  @Get()
  @RequirePermission('contacts:read')
  @ApiOperation({ summary: 'The custom field definitions' })
  list() {
    return this.fields.list();
  }

  @Post()
  @RequirePermission('contacts:admin')
  @ApiOperation({ summary: 'Define a custom field (409 CUSTOM_FIELD_EXISTS if the key is taken)' })
  define(@Body() dto: CreateCustomFieldDto) {
    return this.fields.define(dto);
  }
}
