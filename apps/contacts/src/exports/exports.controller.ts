import { Controller, Get, Query, Res, UseInterceptors } from '@nestjs/common';
import { ApiOkResponse, ApiOperation, ApiProduces, ApiPropertyOptional, ApiQuery, ApiTags } from '@nestjs/swagger';
import { IsIn, IsOptional, IsString, Matches, MaxLength } from 'class-validator';
import type { FastifyReply } from 'fastify';
import { Readable } from 'node:stream';
import { CurrentPrincipal, RequirePermission, type Principal } from '@crm/platform';
import { CustomFieldFiltersInterceptor } from '../search/custom-field-filters.interceptor';
import { ContactFiltersDto } from '../search/dto/search-query.dto';
import { IsGivenOnce } from '../shared/validators';
import { DEFAULT_EXPORT_COLUMNS, EXPORT_COLUMNS, ExportsService, type ExportFormat } from './exports.service';

/** The list's filters (as a search takes them), the format and the columns. */
export class ExportQueryDto extends ContactFiltersDto {
  @ApiPropertyOptional({ enum: ['csv', 'jsonl'], default: 'csv' })
  @IsOptional()
  @IsGivenOnce()
  @IsIn(['csv', 'jsonl'])
  format?: ExportFormat;

  @ApiPropertyOptional({
    maxLength: 2000,
    description: `Comma-separated, in order: ${EXPORT_COLUMNS.join(', ')}, cf.<key> (default ${DEFAULT_EXPORT_COLUMNS.join(',')}); at most 60`,
  })
  @IsOptional()
  @IsGivenOnce()
  @IsString()
  @MaxLength(2000)
  @Matches(/^[A-Za-z0-9_.]+(,[A-Za-z0-9_.]+){0,59}$/, {
    message: 'must be column names separated by commas (at most 60)',
  })
  columns?: string;
}

@ApiTags('exports')
@Controller('contacts')
export class ExportsController {
  constructor(private readonly exports: ExportsService) {}

  @Get('export')
  @RequirePermission('contacts:read')
  @UseInterceptors(CustomFieldFiltersInterceptor)
  @ApiOperation({
    summary:
      'Streams the active contacts matching the filters as CSV or JSON lines, with the columns chosen; audited (personal data)',
  })
  @ApiQuery({ name: 'cf.<key>', required: false, description: 'Custom field equals this value' })
  @ApiProduces('text/csv', 'application/x-ndjson')
  @ApiOkResponse({
    description: 'A header row then one row per contact (csv), or one JSON object per line (jsonl)',
    content: {
      'text/csv': { schema: { type: 'string', format: 'binary' } },
      'application/x-ndjson': { schema: { type: 'string', format: 'binary' } },
    },
  })
  async export(@Query() query: ExportQueryDto, @CurrentPrincipal() by: Principal, @Res() reply: FastifyReply) {
    const format = query.format ?? 'csv';
    const columns = query.columns ? query.columns.split(',') : DEFAULT_EXPORT_COLUMNS;
    const { id, rows } = await this.exports.start({
      format,
      columns,
      filters: {
        tag: query.tag,
        stage: query.stage,
        country: query.country,
        sourceChannel: query.sourceChannel,
        owner: query.owner,
      },
      cf: query.cf,
      by: by.subject,
    });
    void reply
      .header('content-type', format === 'csv' ? 'text/csv; charset=utf-8' : 'application/x-ndjson; charset=utf-8')
      .header('content-disposition', `attachment; filename="contacts-${id}.${format === 'csv' ? 'csv' : 'jsonl'}"`)
      .header('x-export-id', id)
      .header('cache-control', 'no-store');
    return reply.send(Readable.from(rows()));
  }
}
