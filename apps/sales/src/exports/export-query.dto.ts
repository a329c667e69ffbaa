import { ApiPropertyOptional, OmitType } from '@nestjs/swagger';
import { IsIn, IsOptional, IsString, Matches, MaxLength } from 'class-validator';
import type { ExportFormat } from '@crm/bulk';
import { DealListQuery } from '../deals/dto/deal.dto';
import { OrderListQuery } from '../orders/dto/order.dto';
import { IsGivenOnce } from '../shared/validators';
import {
  DEAL_EXPORT_COLUMNS,
  DEFAULT_DEAL_COLUMNS,
  DEFAULT_ORDER_COLUMNS,
  ORDER_EXPORT_COLUMNS,
} from './export-columns';

const COLUMNS = /^[A-Za-z0-9_]+(,[A-Za-z0-9_]+){0,59}$/;
const COLUMNS_MESSAGE = 'must be column names separated by commas (at most 60)';

export class DealExportQuery extends OmitType(DealListQuery, ['limit', 'cursor'] as const) {
  @ApiPropertyOptional({ enum: ['csv', 'jsonl'], default: 'csv' })
  @IsOptional()
  @IsGivenOnce()
  @IsIn(['csv', 'jsonl'])
  format?: ExportFormat;

  @ApiPropertyOptional({
    maxLength: 1000,
    description: `Comma-separated, in order: ${DEAL_EXPORT_COLUMNS.join(', ')} (default ${DEFAULT_DEAL_COLUMNS.join(',')})`,
  })
  @IsOptional()
  @IsGivenOnce()
  @IsString()
  @MaxLength(1000)
  @Matches(COLUMNS, { message: COLUMNS_MESSAGE })
  columns?: string;
}

export class OrderExportQuery extends OmitType(OrderListQuery, ['limit', 'cursor'] as const) {
  @ApiPropertyOptional({ enum: ['csv', 'jsonl'], default: 'csv' })
  @IsOptional()
  @IsGivenOnce()
  @IsIn(['csv', 'jsonl'])
  format?: ExportFormat;

  @ApiPropertyOptional({
    maxLength: 1000,
    description: `Comma-separated, in order: ${ORDER_EXPORT_COLUMNS.join(', ')} (default ${DEFAULT_ORDER_COLUMNS.join(',')})`,
  })
  @IsOptional()
  @IsGivenOnce()
  @IsString()
  @MaxLength(1000)
  @Matches(COLUMNS, { message: COLUMNS_MESSAGE })
  columns?: string;
}
