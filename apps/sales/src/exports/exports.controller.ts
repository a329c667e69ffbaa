import { Controller, Get, Query, Res } from '@nestjs/common';
import { ApiOkResponse, ApiOperation, ApiProduces, ApiTags } from '@nestjs/swagger';
import type { FastifyReply } from 'fastify';
import { Readable } from 'node:stream';
import { CurrentPrincipal, RequirePermission, type Principal } from '@crm/platform';
import { DEFAULT_DEAL_COLUMNS, DEFAULT_ORDER_COLUMNS } from './export-columns';
import { DealExportQuery, OrderExportQuery } from './export-query.dto';
import { SalesExportsService, type Export } from './exports.service';

const DOWNLOAD = {
  description: 'A header row then one row per record (csv), or one JSON object per line (jsonl)',
  content: {
    'text/csv': { schema: { type: 'string', format: 'binary' } },
    'application/x-ndjson': { schema: { type: 'string', format: 'binary' } },
  },
} as const;

function send(reply: FastifyReply, list: string, format: 'csv' | 'jsonl', e: Export) {
  void reply
    .header('content-type', format === 'csv' ? 'text/csv; charset=utf-8' : 'application/x-ndjson; charset=utf-8')
    .header('content-disposition', `attachment; filename="${list}-${e.id}.${format}"`)
    .header('x-export-id', e.id)
    .header('cache-control', 'no-store');
  return reply.send(Readable.from(e.lines));
}

@ApiTags('exports')
@Controller()
export class SalesExportsController {
  constructor(private readonly exports: SalesExportsService) {}

  @Get('deals/export')
  @RequirePermission('sales:read')
  @ApiOperation({
    summary: 'Streams the deals matching the list filters as CSV or JSON lines, with the columns chosen; audited',
  })
  @ApiProduces('text/csv', 'application/x-ndjson')
  @ApiOkResponse(DOWNLOAD)
  async deals(@Query() query: DealExportQuery, @CurrentPrincipal() by: Principal, @Res() reply: FastifyReply) {
    const { format = 'csv', columns, ...filters } = query;
    const e = await this.exports.deals(
      format,
      columns ? columns.split(',') : DEFAULT_DEAL_COLUMNS,
      filters,
      by.subject,
    );
    return send(reply, 'deals', format, e);
  }

  @Get('orders/export')
  @RequirePermission('sales:read')
  @ApiOperation({
    summary: 'Streams the orders matching the list filters as CSV or JSON lines, with the columns chosen; audited',
  })
  @ApiProduces('text/csv', 'application/x-ndjson')
  @ApiOkResponse(DOWNLOAD)
  async orders(@Query() query: OrderExportQuery, @CurrentPrincipal() by: Principal, @Res() reply: FastifyReply) {
    const { format = 'csv', columns, ...filters } = query;
    const e = await this.exports.orders(
      format,
      columns ? columns.split(',') : DEFAULT_ORDER_COLUMNS,
      filters,
      by.subject,
    );
    return send(reply, 'orders', format, e);
  }
}
