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
import { Transform } from 'class-transformer';
import { IsIn, IsObject, IsOptional, IsString, IsUUID, Length, Matches } from 'class-validator';
import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import type { Readable } from 'node:stream';
import { CurrentPrincipal, RequirePermission, validationFailed, type Principal } from '@crm/platform';
import { EXTERNAL_SOURCE } from '../external-ids/external-ids';
import { ImportMappingAnswerDto, ImportStatusDto } from './dto/import-answers.dto';
import { ImportsService } from './imports.service';

/** Largest CSV an import takes (IMPORT_MAX_BYTES, default 1 GiB). */
const MAX_BYTES = Number(process.env['IMPORT_MAX_BYTES'] ?? 1 << 30);
const CSV_TYPES = ['text/csv', 'application/csv', 'text/plain', 'application/octet-stream'];

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

export class ImportQueryDto {
  @ApiProperty({ format: 'uuid', description: 'A mapping saved with POST /import-mappings' })
  @IsUUID(undefined, { message: 'must be a UUID' })
  mappingId!: string;
  @ApiPropertyOptional({ description: 'Validate every row, write nothing' })
  @IsOptional()
  @Transform(({ value }: { value: unknown }) => (value === 'true' ? true : value === 'false' ? false : value))
  @IsIn([true, false], { message: 'must be true or false' })
  dryRun?: boolean;
  @ApiPropertyOptional({ enum: ['skip', 'update'], default: 'skip' })
  @IsOptional()
  @IsIn(['skip', 'update'])
  onMatch?: 'skip' | 'update';
  @ApiPropertyOptional({ enum: [',', ';', 'tab'], description: 'Detected from the header line when left out' })
  @IsOptional()
  @IsIn([',', ';', 'tab'])
  delimiter?: string;
}

class ImportIdParams {
  @ApiProperty({ format: 'uuid' }) @IsUUID(undefined, { message: 'must be a UUID' }) id!: string;
}

@ApiTags('imports')
@Controller()
export class ImportsController implements OnModuleInit {
  constructor(
    private readonly imports: ImportsService,
    private readonly adapter: HttpAdapterHost,
  ) {}

  /** A CSV body is not parsed by Fastify: the route reads it as a stream. */
  onModuleInit(): void {
    const fastify = this.adapter.httpAdapter.getInstance<FastifyInstance>();
    if (!fastify.hasContentTypeParser('text/csv')) {
      fastify.addContentTypeParser(CSV_TYPES, { bodyLimit: MAX_BYTES }, (_req, payload, done) => done(null, payload));
    }
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
    const type = String(req.headers['content-type'] ?? '')
      .split(';')[0]
      .trim();
    if (!CSV_TYPES.includes(type))
      throw validationFailed([{ field: 'content-type', message: 'must be text/csv (the file as the body)' }]);
    const mapping = await this.imports.mapping(query.mappingId);
    const status = await this.imports.upload(req.body as Readable, {
      mapping,
      dryRun: query.dryRun ?? false,
      onMatch: query.onMatch ?? 'skip',
      delimiter: query.delimiter === 'tab' ? '\t' : query.delimiter,
      maxBytes: MAX_BYTES,
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
  async errors(@Param() { id }: ImportIdParams, @Res() reply: FastifyReply) {
    const report = this.imports.errorReport(id);
    const first = await report.next();
    void reply.header('content-type', 'text/csv; charset=utf-8');
    const { Readable: R } = await import('node:stream');
    return reply.send(
      R.from(
        (async function* () {
          if (!first.done) yield first.value;
          yield* report;
        })(),
      ),
    );
  }

  @Get('imports/:id/events')
  @RequirePermission('contacts:read')
  @ApiOperation({ summary: 'Server-sent events: the progress every half second until the import ends' })
  @ApiProduces('text/event-stream')
  @ApiOkResponse({
    description: '`event: progress` with the import status as data, until it ends',
    content: { 'text/event-stream': { schema: { type: 'string', format: 'binary' } } },
  })
  async events(@Param() { id }: ImportIdParams, @Res() reply: FastifyReply) {
    await this.imports.status(id);
    reply.raw.writeHead(200, {
      'content-type': 'text/event-stream',
      'cache-control': 'no-cache',
      connection: 'keep-alive',
    });
    let open = true;
    reply.raw.on('close', () => (open = false));
    while (open) {
      const s = await this.imports.status(id);
      reply.raw.write(`event: progress\ndata: ${JSON.stringify(s)}\n\n`);
      if (['completed', 'cancelled', 'failed'].includes(s.status)) break;
      await new Promise((r) => setTimeout(r, 500));
    }
    reply.raw.end();
  }
}
