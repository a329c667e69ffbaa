import { Body, Controller, Get, HttpCode, Param, Post, Query, Req, Res, type OnModuleInit } from '@nestjs/common';
import { HttpAdapterHost } from '@nestjs/core';
import {
  ApiAcceptedResponse,
  ApiCreatedResponse,
  ApiOkResponse,
  ApiOperation,
  ApiProduces,
  ApiProperty,
  ApiPropertyOptional,
  ApiTags,
} from '@nestjs/swagger';
import { IsObject, IsOptional, IsString, Length, Matches } from 'class-validator';
import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import {
  acceptCsvBodies,
  csvBody,
  delimiterOf,
  ImportIdParams,
  ImportUploadWithMatchQueryDto,
  importMaxBytes,
  sendEvents,
  sendText,
} from '@crm/bulk';
import { CurrentPrincipal, RequirePermission, type Principal } from '@crm/platform';
import { EXTERNAL_SOURCE } from '../external-ids/external-ids';
import { ImportMappingAnswerDto, ImportStatusDto } from './dto/import-answers.dto';
import { ImportsService } from './imports.service';

export class ImportMappingDto {
  @ApiProperty({ minLength: 1, maxLength: 100 }) @IsString() @Length(1, 100) name!: string;
  @ApiProperty({
    type: 'object',
    additionalProperties: { type: 'string', maxLength: 53 },
    maxProperties: 500,
    description:
      'At most 500 columns. CSV header -> firstName, lastName, email, phone, country, city, tags, externalId, cf.<key>, ...',
  })
  @IsObject()
  columns!: Record<string, string>;
  @ApiPropertyOptional({ maxLength: 50, description: 'Source system of the externalId column (default import)' })
  @IsOptional()
  @Matches(EXTERNAL_SOURCE)
  externalSource?: string;
  @ApiPropertyOptional({
    minLength: 1,
    maxLength: 100,
    description: 'Source recorded with the decisions of consent.<channel>.<purpose> columns (default import)',
  })
  @IsOptional()
  @IsString()
  @Length(1, 100)
  consentSource?: string;
  @ApiPropertyOptional({ maxLength: 3, description: 'Separator of several tags in one cell (default |)' })
  @IsOptional()
  @IsString()
  @Length(1, 3)
  tagSeparator?: string;
}

export class ImportQueryDto extends ImportUploadWithMatchQueryDto {}

@ApiTags('imports')
@Controller()
export class ImportsController implements OnModuleInit {
  constructor(
    private readonly imports: ImportsService,
    private readonly adapter: HttpAdapterHost,
  ) {}

  /** A CSV body is not parsed by Fastify: the route reads it as a stream. */
  onModuleInit(): void {
    acceptCsvBodies(this.adapter.httpAdapter.getInstance<FastifyInstance>());
  }

  @Post('import-mappings')
  @RequirePermission('contacts:write')
  @ApiOperation({ summary: 'Save (or replace, by name) a column mapping for imports' })
  @ApiCreatedResponse({ type: ImportMappingAnswerDto })
  saveMapping(@Body() dto: ImportMappingDto) {
    return this.imports.saveMapping(dto.name, {
      columns: dto.columns,
      externalSource: dto.externalSource,
      tagSeparator: dto.tagSeparator,
      consentSource: dto.consentSource,
    });
  }

  @Post('imports')
  @HttpCode(202)
  @RequirePermission('contacts:write')
  @ApiOperation({
    summary:
      'Import contacts from a CSV body (text/csv, streamed): matched by external id, then primary email; a durable job',
  })
  @ApiAcceptedResponse({ type: ImportStatusDto })
  async upload(
    @Query() query: ImportQueryDto,
    @Req() req: FastifyRequest,
    @Res({ passthrough: true }) reply: FastifyReply,
    @CurrentPrincipal() by: Principal,
  ) {
    const body = csvBody(req);
    const mapping = await this.imports.mapping(query.mappingId);
    const status = await this.imports.upload(body, {
      mapping,
      dryRun: query.dryRun ?? false,
      onMatch: query.onMatch ?? 'skip',
      delimiter: delimiterOf(query.delimiter),
      maxBytes: importMaxBytes(),
      by: by.subject,
    });
    void reply.header('location', `/imports/${status.id}`);
    return status;
  }

  @Get('imports/:id')
  @RequirePermission('contacts:read')
  @ApiOperation({ summary: 'Progress: rows read, valid, written, updated, skipped, failed; rate and ETA' })
  @ApiOkResponse({ type: ImportStatusDto })
  status(@Param() { id }: ImportIdParams) {
    return this.imports.status(id);
  }

  @Post('imports/:id/cancel')
  @HttpCode(200)
  @RequirePermission('contacts:write')
  @ApiOperation({ summary: 'Stops the import after the batch in progress (what was written stays)' })
  @ApiOkResponse({ type: ImportStatusDto })
  cancel(@Param() { id }: ImportIdParams) {
    return this.imports.cancel(id);
  }

  @Get('imports/:id/errors')
  @RequirePermission('contacts:read')
  @ApiOperation({ summary: 'The error report as CSV: row, column, value, message' })
  @ApiProduces('text/csv')
  @ApiOkResponse({ content: { 'text/csv': { schema: { type: 'string', format: 'binary' } } } })
  errors(@Param() { id }: ImportIdParams, @Res() reply: FastifyReply) {
    return sendText(reply, 'text/csv; charset=utf-8', this.imports.errorReport(id));
  }

  @Get('imports/:id/events')
  @RequirePermission('contacts:read')
  @ApiOperation({ summary: 'Server-sent events: the progress every half second until the import ends' })
  @ApiProduces('text/event-stream')
  @ApiOkResponse({
    description: '`event: progress` with the import status as data, until it ends',
    content: { 'text/event-stream': { schema: { type: 'string', format: 'binary' } } },
  })
  events(@Param() { id }: ImportIdParams, @Res() reply: FastifyReply) {
    return sendEvents(reply, (open) => this.imports.progress(id, open));
  }
}
