import { ApiPropertyOptional } from '@nestjs/swagger';
import { Transform, Type } from 'class-transformer';
import { ArrayMaxSize, IsArray, IsIn, IsInt, IsOptional, IsUUID, Matches, Max, Min } from 'class-validator';
import { DateParam, ReportFiltersDto } from '../../shared/report-query.dto';

const list = ({ value }: { value: unknown }) =>
  typeof value === 'string' ? value.split(',').map((v) => v.trim()) : value;

function WholeNumber(min: number, max: number, fallback: number): PropertyDecorator {
  const message = `must be a whole number from ${min} to ${max}`;
  return (target: object, key: string | symbol) => {
    ApiPropertyOptional({ minimum: min, maximum: max, default: fallback })(target, key);
    IsOptional()(target, key);
    Type(() => Number)(target, key);
    IsInt({ message })(target, key);
    Min(min, { message })(target, key);
    Max(max, { message })(target, key);
  };
}

export class CohortQueryDto extends ReportFiltersDto {
  @ApiPropertyOptional({ enum: ['firstOrder', 'acquisition'], default: 'firstOrder' })
  @IsOptional()
  @IsIn(['firstOrder', 'acquisition'])
  by?: 'firstOrder' | 'acquisition';

  @WholeNumber(1, 60, 12)
  months?: number;
}

export const TREND_DIMENSIONS = [
  'ageBand',
  'country',
  'region',
  'city',
  'acquisitionChannel',
  'lifecycleStage',
  'category',
  'salesChannel',
] as const;
export type TrendDimension = (typeof TREND_DIMENSIONS)[number];

export class TrendQueryDto extends ReportFiltersDto {
  @ApiPropertyOptional({ enum: TREND_DIMENSIONS, default: 'country' })
  @IsOptional()
  @IsIn(TREND_DIMENSIONS)
  dimension?: TrendDimension;
}

export const TOUCH_KINDS = ['sent', 'delivered', 'opened', 'clicked'] as const;

export class AttributionQueryDto extends ReportFiltersDto {
  @WholeNumber(1, 365, 30)
  lookbackDays?: number;

  @WholeNumber(1, 365, 7)
  halfLifeDays?: number;

  @ApiPropertyOptional({ enum: ['order', 'deal'], default: 'order' })
  @IsOptional()
  @IsIn(['order', 'deal'])
  conversion?: 'order' | 'deal';

  @ApiPropertyOptional({
    type: 'string',
    description: `touchpoint kinds that count, comma-separated (${TOUCH_KINDS.join(', ')}); default opened,clicked`,
    maxLength: 64,
  })
  @IsOptional()
  @Transform(list)
  @IsArray()
  @ArrayMaxSize(4)
  @IsIn(TOUCH_KINDS, { each: true })
  touches?: string[];
}

export class LifecycleFunnelQueryDto extends ReportFiltersDto {
  @ApiPropertyOptional({ type: 'string', description: 'stages in order, comma-separated', maxLength: 200 })
  @IsOptional()
  @Transform(list)
  @IsArray()
  @ArrayMaxSize(10)
  @Matches(/^[a-z][a-z0-9_-]{0,31}$/, { each: true, message: 'each stage must be a lower-case name' })
  stages?: string[];
}

export class DealFunnelQueryDto extends ReportFiltersDto {
  @ApiPropertyOptional({ format: 'uuid' })
  @IsOptional()
  @IsUUID()
  pipelineId?: string;
}

export class SupportKpiQueryDto {
  @ApiPropertyOptional({ enum: ['team', 'agent', 'priority', 'channel'], default: 'team' })
  @IsOptional()
  @IsIn(['team', 'agent', 'priority', 'channel'])
  by?: 'team' | 'agent' | 'priority' | 'channel';

  @DateParam('first day counted (inclusive)')
  from?: string;

  @DateParam('last day counted (inclusive)')
  to?: string;
}
