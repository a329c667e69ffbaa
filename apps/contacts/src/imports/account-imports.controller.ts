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
  importMaxBytes,
  ImportStatusDto,
  ImportUploadWithMatchQueryDto,
  sendEvents,
  sendText,
} from '@crm/bulk';
import { CurrentPrincipal, RequirePermission, type Principal } from '@crm/platform';
import { EXTERNAL_SOURCE } from '../external-ids/external-ids';
import { ACCOUNT_IMPORT_FIELDS } from './account-import-rows';
import { AccountImportsService } from './account-imports.service';

export class AccountsImportMappingDto {
  @ApiProperty({ minLength: 1, maxLength: 100 }) @IsString() @Length(1, 100) name!: string;
  @ApiProperty({
    type: 'object',
    additionalProperties: { type: 'string', enum: [...ACCOUNT_IMPORT_FIELDS] },
    maxProperties: 50,
    description: `CSV header -> ${ACCOUNT_IMPORT_FIELDS.join(', ')}`,
  })
  @IsObject()
  columns!: Record<string, string>;
  @ApiPropertyOptional({ maxLength: 50, description: 'Source system of the externalId column (default import)' })
  @IsOptional()
  @Matches(EXTERNAL_SOURCE)
  externalSource?: string;
}

class AccountsImportMappingAnswerDto {
  @ApiProperty({ format: 'uuid', maxLength: 36 }) id!: string;
  @ApiProperty({ maxLength: 100 }) name!: string;
  @ApiProperty({ type: 'object', additionalProperties: { type: 'string', maxLength: 20 }, maxProperties: 50 })
  columns!: Record<string, string>;
  @ApiPropertyOptional({ maxLength: 50 }) externalSource?: string;
}

@ApiTags('account-imports')
@Controller('accounts')
export class AccountImportsController implements OnModuleInit {
  constructor(
    private readonly imports: AccountImportsService,
    private readonly adapter: HttpAdapterHost,
  ) {}

  onModuleInit(): void {
    acceptCsvBodies(this.adapter.httpAdapter.getInstance<FastifyInstance>());
  }

  @Post('import-mappings')
  @RequirePermission('contacts:write')
  @ApiOperation({ summary: 'Save (or replace, by name) a column mapping for accounts imports' })
  @ApiCreatedResponse({ type: AccountsImportMappingAnswerDto })
  saveMapping(@Body() dto: AccountsImportMappingDto) {
    return this.imports.saveMapping(dto.name, { columns: dto.columns, externalSource: dto.externalSource });
  }

  @Post('imports')
  @HttpCode(202)
  @RequirePermission('contacts:write')
  @ApiOperation({
    summary: 'Import accounts from a CSV body (text/csv, streamed): matched by external id, then domain; a durable job',
  })
  @ApiAcceptedResponse({ type: ImportStatusDto })
  async upload(
    @Query() query: ImportUploadWithMatchQueryDto,
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
    void reply.header('location', `/accounts/imports/${status.id}`);
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
