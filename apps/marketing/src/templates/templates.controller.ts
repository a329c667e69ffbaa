import { Body, Controller, Get, Headers, HttpCode, Param, Patch, Post, Query } from '@nestjs/common';
import { ApiOperation, ApiTags } from '@nestjs/swagger';
import { ApiIfMatch, PageQueryDto, RequirePermission } from '@crm/platform';
import { IdParams, parseIfMatch } from '../shared/dto';
import { CreateTemplateDto, PreviewTemplateDto, UpdateTemplateDto } from './dto/template.dto';
import { TemplatesService } from './templates.service';

@ApiTags('templates')
@Controller('templates')
export class TemplatesController {
  constructor(private readonly templates: TemplatesService) {}

  @Post()
  @RequirePermission('marketing:write')
  @ApiOperation({ summary: 'Create a template (Liquid); every variable must exist' })
  create(@Body() dto: CreateTemplateDto) {
    return this.templates.create(dto);
  }

  @Get()
  @RequirePermission('marketing:read')
  @ApiOperation({ summary: 'Templates, newest first' })
  list(@Query() page: PageQueryDto) {
    return this.templates.list(page);
  }

  @Get(':id')
  @RequirePermission('marketing:read')
  @ApiOperation({ summary: 'One template' })
  get(@Param() { id }: IdParams) {
    return this.templates.get(id);
  }

  @Patch(':id')
  @RequirePermission('marketing:write')
  @ApiIfMatch()
  @ApiOperation({ summary: 'Change a template' })
  update(@Param() { id }: IdParams, @Body() dto: UpdateTemplateDto, @Headers('if-match') ifMatch?: string) {
    return this.templates.update(id, dto, parseIfMatch(ifMatch));
  }

  @Post(':id/preview')
  @HttpCode(200)
  @RequirePermission('marketing:read')
  @ApiOperation({ summary: 'The template rendered for one contact: subject, HTML and plain text' })
  preview(@Param() { id }: IdParams, @Body() dto: PreviewTemplateDto) {
    return this.templates.preview(id, dto.contactId);
  }
}
