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
import { IsIn, IsObject, IsOptional, IsString, Length } from 'class-validator';
import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import {
  acceptCsvBodies,
  csvBody,
  delimiterOf,
  ImportIdParams,
  importMaxBytes,
  ImportStatusDto,
  ImportUploadQueryDto,
  sendEvents,
  sendText,
} from '@crm/bulk';
import { SALES_CHANNELS } from '@crm/contracts';
import { CurrentPrincipal, RequirePermission, type Principal } from '@crm/platform';
import { IsCurrency } from '../price-books/currency';
import { ORDER_IMPORT_FIELDS } from './order-import-rows';
import { OrderImportsService } from './order-imports.service';

export class OrdersImportMappingDto {
  @ApiProperty({ minLength: 1, maxLength: 100 }) @IsString() @Length(1, 100) name!: string;
  @ApiProperty({
    type: 'object',
    additionalProperties: { type: 'string', enum: [...ORDER_IMPORT_FIELDS] },
    maxProperties: 100,
    description: `CSV header -> ${ORDER_IMPORT_FIELDS.join(', ')}. One row per order line`,
  })
  @IsObject()
  columns!: Record<string, string>;
  @ApiPropertyOptional({ enum: SALES_CHANNELS, description: 'The channel of every order when no column gives it' })
  @IsOptional()
  @IsIn(SALES_CHANNELS)
  channel?: string;
  @ApiPropertyOptional({
    minLength: 3,
    maxLength: 3,
    description: 'The currency of every order when no column gives it',
  })
  @IsOptional()
  @IsCurrency()
  currency?: string;
}

class OrdersImportMappingAnswerDto {
  @ApiProperty({ format: 'uuid', maxLength: 36 }) id!: string;
  @ApiProperty({ maxLength: 100 }) name!: string;
  @ApiProperty({ type: 'object', additionalProperties: { type: 'string', maxLength: 30 }, maxProperties: 100 })
  columns!: Record<string, string>;
  @ApiPropertyOptional({ enum: SALES_CHANNELS }) channel?: string;
  @ApiPropertyOptional({ maxLength: 3 }) currency?: string;
}

@ApiTags('order-imports')
@Controller('orders')
export class OrderImportsController implements OnModuleInit {
  constructor(
    private readonly imports: OrderImportsService,
    private readonly adapter: HttpAdapterHost,
  ) {}

  onModuleInit(): void {
    acceptCsvBodies(this.adapter.httpAdapter.getInstance<FastifyInstance>());
  }

  @Post('import-mappings')
  @RequirePermission('sales:write')
  @ApiOperation({ summary: 'Save (or replace, by name) a column mapping for orders imports' })
  @ApiCreatedResponse({ type: OrdersImportMappingAnswerDto })
  saveMapping(@Body() dto: OrdersImportMappingDto) {
    return this.imports.saveMapping(dto.name, { columns: dto.columns, channel: dto.channel, currency: dto.currency });
  }

  @Post('imports')
  @HttpCode(202)
  @RequirePermission('sales:write')
  @ApiOperation({
    summary:
      'Import historical orders from a CSV body (text/csv, streamed; one row per line): idempotent by external order id per channel; a durable job',
  })
  @ApiAcceptedResponse({ type: ImportStatusDto })
  async upload(
    @Query() query: ImportUploadQueryDto,
    @Req() req: FastifyRequest,
    @Res({ passthrough: true }) reply: FastifyReply,
    @CurrentPrincipal() by: Principal,
  ) {
    const body = csvBody(req);
    const mapping = await this.imports.mapping(query.mappingId);
    const status = await this.imports.upload(body, {
      mapping,
      dryRun: query.dryRun ?? false,
      onMatch: 'skip',
      delimiter: delimiterOf(query.delimiter),
      maxBytes: importMaxBytes(),
      by: by.subject,
    });
    void reply.header('location', `/orders/imports/${status.id}`);
    return status;
  }

  @Get('imports/:id')
  @RequirePermission('sales:read')
  @ApiOperation({ summary: 'Progress (CSV rows): read, valid, written, skipped (imported before), failed; rate, ETA' })
  @ApiOkResponse({ type: ImportStatusDto })
  status(@Param() { id }: ImportIdParams) {
    return this.imports.status(id);
  }

  @Post('imports/:id/cancel')
  @HttpCode(200)
  @RequirePermission('sales:write')
  @ApiOperation({ summary: 'Stops the import after the batch in progress (what was written stays)' })
  @ApiOkResponse({ type: ImportStatusDto })
  cancel(@Param() { id }: ImportIdParams) {
    return this.imports.cancel(id);
  }

  @Get('imports/:id/errors')
  @RequirePermission('sales:read')
  @ApiOperation({ summary: 'The error report as CSV: row, column, value, message' })
  @ApiProduces('text/csv')
  @ApiOkResponse({ content: { 'text/csv': { schema: { type: 'string', format: 'binary' } } } })
  errors(@Param() { id }: ImportIdParams, @Res() reply: FastifyReply) {
    return sendText(reply, 'text/csv; charset=utf-8', this.imports.errorReport(id));
  }

  @Get('imports/:id/events')
  @RequirePermission('sales:read')
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
