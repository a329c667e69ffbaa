import { Body, Controller, Get, Headers, HttpCode, Param, Patch, Post, Query } from '@nestjs/common';
import { ApiCreatedResponse, ApiOkResponse, ApiOperation, ApiTags } from '@nestjs/swagger';
import { ApiIfMatch, ApiPage, PageQueryDto, RequirePermission } from '@crm/platform';
import { IdParams, parseIfMatch } from '../shared/dto';
import { CreateTemplateDto, PreviewTemplateDto, UpdateTemplateDto } from './dto/template.dto';
import { RenderedTemplateDto, TemplateViewDto } from './dto/template-view.dto';
import { TemplatesService } from './templates.service';

@ApiTags('templates')
@Controller('templates')
export class TemplatesController {
  constructor(private readonly templates: TemplatesService) {}

  @Post()
  @RequirePermission('marketing:write')
  @ApiOperation({ summary: 'Create a template (Liquid); every variable must exist' })
  @ApiCreatedResponse({ type: TemplateViewDto, description: 'The template, version 1' })
  create(@Body() dto: CreateTemplateDto) {
    return this.templates.create(dto);
  }

  @Get()
  @RequirePermission('marketing:read')
  @ApiOperation({ summary: 'Templates, newest first' })
  @ApiPage(TemplateViewDto)
  list(@Query() page: PageQueryDto) {
    return this.templates.list(page);
  }

  @Get(':id')
  @RequirePermission('marketing:read')
  @ApiOperation({ summary: 'One template' })
  @ApiOkResponse({ type: TemplateViewDto })
  get(@Param() { id }: IdParams) {
    return this.templates.get(id);
  }

  @Patch(':id')
  @RequirePermission('marketing:write')
  @ApiIfMatch()
  @ApiOperation({ summary: 'Change a template' })
  @ApiOkResponse({ type: TemplateViewDto })
  update(@Param() { id }: IdParams, @Body() dto: UpdateTemplateDto, @Headers('if-match') ifMatch?: string) {
    return this.templates.update(id, dto, parseIfMatch(ifMatch));
  }

  @Post(':id/preview')
  @HttpCode(200)
  @RequirePermission('marketing:read')
  @ApiOperation({ summary: 'The template rendered for one contact: subject, HTML and plain text' })
  @ApiOkResponse({ type: RenderedTemplateDto })
  preview(@Param() { id }: IdParams, @Body() dto: PreviewTemplateDto) {
    return this.templates.preview(id, dto.contactId);
  }
}
