import { Body, Controller, Get, Post } from '@nestjs/common';
import { ApiTags } from '@nestjs/swagger';
import { RequirePermission } from '@crm/platform';
import { CustomFieldsService } from './custom-fields.service';
import { CreateCustomFieldDto } from './dto/custom-field.dto';

@ApiTags('custom fields')
@Controller('custom-fields')
export class CustomFieldsController {
  constructor(private readonly fields: CustomFieldsService) {}

  @Get()
  @RequirePermission('contacts:read')
  list() {
    return this.fields.list();
  }

  @Post()
  @RequirePermission('contacts:admin')
  define(@Body() dto: CreateCustomFieldDto) {
    return this.fields.define(dto);
  }
}
