import { Controller, Get, Query, Res } from '@nestjs/common';
import { ApiOkResponse, ApiOperation, ApiProduces, ApiPropertyOptional, ApiTags } from '@nestjs/swagger';
import { IsIn, IsISO31661Alpha2, IsOptional, IsString, Matches, MaxLength } from 'class-validator';
import type { FastifyReply } from 'fastify';
import { Readable } from 'node:stream';
import type { ExportFormat } from '@crm/bulk';
import { CurrentPrincipal, RequirePermission, type Principal } from '@crm/platform';
import { SIZE_BANDS } from '../accounts/account.entity';
import { IsGivenOnce } from '../shared/validators';
import { ACCOUNT_EXPORT_COLUMNS, AccountExportsService, DEFAULT_ACCOUNT_COLUMNS } from './account-exports.service';

export class AccountExportQuery {
  @ApiPropertyOptional({ enum: ['csv', 'jsonl'], default: 'csv' })
  @IsOptional()
  @IsGivenOnce()
  @IsIn(['csv', 'jsonl'])
  format?: ExportFormat;

  @ApiPropertyOptional({
    maxLength: 500,
    description: `Comma-separated, in order: ${ACCOUNT_EXPORT_COLUMNS.join(', ')} (default ${DEFAULT_ACCOUNT_COLUMNS.join(',')})`,
  })
  @IsOptional()
  @IsGivenOnce()
  @IsString()
  @MaxLength(500)
  @Matches(/^[A-Za-z]+(,[A-Za-z]+){0,29}$/, { message: 'must be column names separated by commas (at most 30)' })
  columns?: string;

  @ApiPropertyOptional({
    maxLength: 200,
    description: 'As the list: name contains, or is similar to; or an external id',
  })
  @IsOptional()
  @IsGivenOnce()
  @IsString()
  @MaxLength(200)
  q?: string;

  @ApiPropertyOptional({ example: 'FR', minLength: 2, maxLength: 2 })
  @IsOptional()
  @IsGivenOnce()
  @IsISO31661Alpha2({ message: 'must be an ISO 3166-1 alpha-2 country code' })
  country?: string;

  @ApiPropertyOptional({ maxLength: 100 }) @IsOptional() @IsGivenOnce() @IsString() @MaxLength(100) industry?: string;

  @ApiPropertyOptional({ enum: SIZE_BANDS }) @IsOptional() @IsGivenOnce() @IsIn(SIZE_BANDS) sizeBand?: string;
}

@ApiTags('exports')
@Controller('accounts')
export class AccountExportsController {
  constructor(private readonly exports: AccountExportsService) {}

  @Get('export')
  @RequirePermission('contacts:read')
  @ApiOperation({
    summary: 'Streams the accounts matching the filters as CSV or JSON lines, with the columns chosen; audited',
  })
  @ApiProduces('text/csv', 'application/x-ndjson')
  @ApiOkResponse({
    description: 'A header row then one row per account (csv), or one JSON object per line (jsonl)',
    content: {
      'text/csv': { schema: { type: 'string', format: 'binary' } },
      'application/x-ndjson': { schema: { type: 'string', format: 'binary' } },
    },
  })
  async export(@Query() query: AccountExportQuery, @CurrentPrincipal() by: Principal, @Res() reply: FastifyReply) {
    const format = query.format ?? 'csv';
    const { id, lines } = await this.exports.start({ ...query, format }, by.subject);
    void reply
      .header('content-type', format === 'csv' ? 'text/csv; charset=utf-8' : 'application/x-ndjson; charset=utf-8')
      .header('content-disposition', `attachment; filename="accounts-${id}.${format}"`)
      .header('x-export-id', id)
      .header('cache-control', 'no-store');
    return reply.send(Readable.from(lines));
  }
}
