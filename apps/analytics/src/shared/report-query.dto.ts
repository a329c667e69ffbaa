import { ApiPropertyOptional } from '@nestjs/swagger';
import { Type } from 'class-transformer';
import { IsIn, IsInt, IsISO8601, IsOptional, IsString, Matches, Max, MaxLength, Min } from 'class-validator';
import { RFM_SEGMENTS } from '../models/rfm';
import { analyticsError } from './analytics-errors';
import { MODEL_UNITS, type ModelUnit } from './analytics-settings';

const DATE = /^\d{4}-\d{2}-\d{2}$/;
const DATE_MESSAGE = 'must be a date YYYY-MM-DD';
// Control characters have no place in a filter value (NUL would not even reach Postgres).
// eslint-disable-next-line no-control-regex
const TEXT = /^[^\u0000-\u001f\u007f]*$/;

export function DateParam(description: string): PropertyDecorator {
  return (target: object, key: string | symbol) => {
    ApiPropertyOptional({ type: 'string', format: 'date', description, maxLength: 10 })(target, key);
    IsOptional()(target, key);
    Matches(DATE, { message: DATE_MESSAGE })(target, key);
    IsISO8601({ strict: true }, { message: DATE_MESSAGE })(target, key);
  };
}

/** The filters every report takes: a date range (inclusive days, UTC) and who the customers are. */
export class ReportFiltersDto {
  @DateParam('first day counted (inclusive)')
  from?: string;

  @DateParam('last day counted (inclusive)')
  to?: string;

  @ApiPropertyOptional({ description: 'ISO 3166-1 alpha-2 country of the customer', minLength: 2, maxLength: 2 })
  @IsOptional()
  @IsString()
  @Matches(/^[A-Z]{2}$/, { message: 'must be an ISO 3166-1 alpha-2 code such as FR' })
  country?: string;

  @ApiPropertyOptional({ description: 'acquisition channel of the customer ("how they heard")', maxLength: 64 })
  @IsOptional()
  @IsString()
  @MaxLength(64)
  @Matches(TEXT, { message: 'must be plain text without control characters' })
  channel?: string;

  @ApiPropertyOptional({ enum: RFM_SEGMENTS, description: 'RFM segment of the customer' })
  @IsOptional()
  @IsIn(RFM_SEGMENTS)
  segment?: string;
}

export class ModelQueryDto {
  @DateParam('calibration end (default today, UTC)')
  calibrationEnd?: string;

  @ApiPropertyOptional({ enum: MODEL_UNITS, default: 'week' })
  @IsOptional()
  @IsIn(MODEL_UNITS)
  unit?: ModelUnit;
}

export class CustomerClvQueryDto extends ModelQueryDto {
  @ApiPropertyOptional({ minimum: 1, maximum: 5200, default: 39, description: 'in units' })
  @IsOptional()
  @Type(() => Number)
  @IsInt({ message: 'must be a whole number from 1 to 5200' })
  @Min(1, { message: 'must be a whole number from 1 to 5200' })
  @Max(5200, { message: 'must be a whole number from 1 to 5200' })
  horizon?: number;
}

export class TopQueryDto extends ReportFiltersDto {
  @ApiPropertyOptional({ minimum: 1, maximum: 200, default: 50 })
  @IsOptional()
  @Type(() => Number)
  @IsInt({ message: 'must be a whole number from 1 to 200' })
  @Min(1, { message: 'must be a whole number from 1 to 200' })
  @Max(200, { message: 'must be a whole number from 1 to 200' })
  limit?: number;
}

/** Throws DATE_RANGE_INVALID when from is after to. */
export function checkRange(q: { from?: string; to?: string }): void {
  if (q.from && q.to && q.from > q.to)
    throw analyticsError('DATE_RANGE_INVALID', `from (${q.from}) is after to (${q.to})`, {
      errors: [{ field: 'from', message: 'must not be after to' }],
    });
}

/**
 * SQL conditions on customer_facts (alias f) for country, channel and
 * segment, appended to params; the caller joins customer_facts f (and
 * customer_scores s for a segment).
 */
export function customerConditions(q: ReportFiltersDto, params: unknown[]): string[] {
  const where: string[] = [];
  if (q.country) {
    params.push(q.country);
    where.push(`f.country = $${params.length}`);
  }
  if (q.channel) {
    params.push(q.channel);
    where.push(`f.acquisition_channel = $${params.length}`);
  }
  if (q.segment) {
    params.push(q.segment);
    where.push(
      `EXISTS (SELECT 1 FROM customer_scores s WHERE s.customer_id = f.contact_id AND s.segment = $${params.length})`,
    );
  }
  return where;
}
