import { ApiProperty } from '@nestjs/swagger';
import { COUNT, DAY, MAX_GROUPS, MAX_MONTHS, MINOR, MONTH } from '../../shared/answer-schema';
import { TREND_DIMENSIONS } from './report-queries.dto';

export class CohortDto {
  @ApiProperty({ ...MONTH, description: 'Month of the first order (or of the acquisition), YYYY-MM' }) cohort!: string;
  @ApiProperty({ ...COUNT, description: 'Customers in the cohort' }) customers!: number;
  @ApiProperty({
    type: 'array',
    items: COUNT,
    maxItems: 60,
    description: 'Customers with an order in month k since the cohort month (k = 0 .. months - 1)',
  })
  active!: number[];
  @ApiProperty({ type: 'array', items: MINOR, maxItems: 60, description: 'Their revenue (net of refunds) in month k' })
  revenueMinor!: number[];
  @ApiProperty({
    type: 'array',
    items: { type: 'number', minimum: 0, maximum: 1 },
    maxItems: 60,
    description: 'active[k] / customers',
  })
  retention!: number[];
}

export class CohortsDto {
  @ApiProperty({ enum: ['firstOrder', 'acquisition'] }) by!: string;
  @ApiProperty(DAY) from!: string;
  @ApiProperty(DAY) to!: string;
  @ApiProperty({ type: 'integer', format: 'int32', minimum: 1, maximum: 60 }) months!: number;
  @ApiProperty({ type: [CohortDto], maxItems: MAX_MONTHS, description: 'One per cohort month, oldest first' })
  cohorts!: CohortDto[];
}

class PurchaseFiguresDto {
  @ApiProperty({ ...MINOR, description: 'Revenue net of refunds' }) revenueMinor!: number;
  @ApiProperty(COUNT) orders!: number;
  @ApiProperty(COUNT) customers!: number;
  @ApiProperty({ ...MINOR, nullable: true, description: 'null without orders' }) averageOrderMinor!: number | null;
  @ApiProperty({ type: Number, nullable: true, description: 'null without customers' })
  ordersPerCustomer!: number | null;
}

export class TrendGroupDto extends PurchaseFiguresDto {
  @ApiProperty({ type: String, maxLength: 200, description: 'The dimension value; `unknown` for none' }) key!: string;
}

class GrowthDto {
  @ApiProperty({
    type: Number,
    nullable: true,
    description: '(now - before) / before; null when before is 0 or absent',
  })
  previousPeriod!: number | null;
  @ApiProperty({ type: Number, nullable: true }) sameMonthLastYear!: number | null;
}

export class TrendMonthDto extends PurchaseFiguresDto {
  @ApiProperty(MONTH) month!: string;
  @ApiProperty({ type: GrowthDto }) revenueGrowth!: GrowthDto;
  @ApiProperty({ type: GrowthDto }) ordersGrowth!: GrowthDto;
}

export class TrendsDto {
  @ApiProperty({ enum: TREND_DIMENSIONS }) dimension!: string;
  @ApiProperty(DAY) from!: string;
  @ApiProperty(DAY) to!: string;
  @ApiProperty({ type: [TrendGroupDto], maxItems: MAX_GROUPS, description: 'By revenue, highest first' })
  groups!: TrendGroupDto[];
  @ApiProperty({ type: [TrendMonthDto], maxItems: MAX_MONTHS, description: 'Every month of the range' })
  series!: TrendMonthDto[];
}
