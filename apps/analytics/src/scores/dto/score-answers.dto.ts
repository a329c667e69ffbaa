import { ApiProperty } from '@nestjs/swagger';
import { RFM_SEGMENTS } from '../../models/rfm';
import { MODEL_UNITS } from '../../shared/analytics-settings';
import { COUNT, DAY, MINOR, RATIO, TIMESTAMP, UUID } from '../../shared/answer-schema';

const SCORE = { type: 'integer', format: 'int32', minimum: 1, maximum: 5 } as const;
const DAYS = { type: 'integer', format: 'int32', minimum: -2147483648, maximum: 2147483647 } as const;
const MS = { type: 'integer', format: 'int64', minimum: 0, maximum: Number.MAX_SAFE_INTEGER } as const;

class ParamsDto {
  @ApiProperty() r!: number;
  @ApiProperty() alpha!: number;
  @ApiProperty() a!: number;
  @ApiProperty() b!: number;
}

class SpendParamsDto {
  @ApiProperty() p!: number;
  @ApiProperty() q!: number;
  @ApiProperty() v!: number;
}

class SpendModelDto {
  @ApiProperty({ enum: ['gamma-gamma'] }) model!: string;
  @ApiProperty({ type: SpendParamsDto }) params!: SpendParamsDto;
  @ApiProperty({ ...COUNT, description: 'Repeat buyers the spend model was fitted on' }) customers!: number;
}

export class ClvModelDto {
  @ApiProperty({ enum: ['bg-nbd'] }) model!: string;
  @ApiProperty(DAY) calibrationEnd!: string;
  @ApiProperty({ enum: MODEL_UNITS }) unit!: string;
  @ApiProperty({ type: ParamsDto }) params!: ParamsDto;
  @ApiProperty() logLikelihood!: number;
  @ApiProperty(COUNT) customers!: number;
  @ApiProperty(COUNT) repeatCustomers!: number;
  @ApiProperty(COUNT) repeatTransactions!: number;
  @ApiProperty({ ...COUNT, description: 'Distinct (x, t_x, T) histories the fit ran on' }) distinctHistories!: number;
  @ApiProperty({ type: SpendModelDto, nullable: true, description: 'null without repeat buyers' })
  spend!: SpendModelDto | null;
  @ApiProperty(TIMESTAMP) fittedAt!: string;
}

export class CustomerClvDto {
  @ApiProperty(UUID) customerId!: string;
  @ApiProperty(DAY) calibrationEnd!: string;
  @ApiProperty({ enum: MODEL_UNITS }) unit!: string;
  @ApiProperty({ type: 'integer', format: 'int32', minimum: 1, maximum: 5200, description: 'in units' })
  horizon!: number;
  @ApiProperty({ description: 'repeat purchases (distinct purchase days after the first)' }) frequency!: number;
  @ApiProperty({ description: 'time of the last repeat purchase since the first, in units' }) recency!: number;
  @ApiProperty({ description: 'time from the first purchase to the calibration end, in units' }) T!: number;
  @ApiProperty(RATIO) pAlive!: number;
  @ApiProperty() expectedPurchases!: number;
  @ApiProperty({ ...MINOR, nullable: true, description: 'minor units' }) expectedSpendPerTransaction!: number | null;
  @ApiProperty({ ...MINOR, nullable: true, description: 'discounted, minor units' }) clv!: number | null;
  @ApiProperty(RATIO) churnRisk!: number;
}

export class CustomerScoresDto {
  @ApiProperty(UUID) customerId!: string;
  @ApiProperty({ ...DAY, description: 'The day the scores were computed against' }) calibrationEnd!: string;
  @ApiProperty({ ...DAYS, description: 'Days from the last purchase to the calibration end' }) recencyDays!: number;
  @ApiProperty({ ...COUNT, description: 'Orders' }) frequency!: number;
  @ApiProperty({ ...MINOR, description: 'Net spend' }) monetaryMinor!: number;
  @ApiProperty(SCORE) r!: number;
  @ApiProperty(SCORE) f!: number;
  @ApiProperty(SCORE) m!: number;
  @ApiProperty({ enum: RFM_SEGMENTS }) segment!: string;
  @ApiProperty({ ...RATIO, nullable: true, description: 'null without a fitted model' }) pAlive!: number | null;
  @ApiProperty({ type: Number, nullable: true }) expectedPurchases!: number | null;
  @ApiProperty({ ...MINOR, nullable: true, description: 'Discounted over the horizon' }) clvMinor!: number | null;
  @ApiProperty({ ...RATIO, nullable: true }) churnRisk!: number | null;
  @ApiProperty(TIMESTAMP) updatedAt!: string;
}

export class SegmentFiguresDto {
  @ApiProperty(COUNT) customers!: number;
  @ApiProperty(RATIO) share!: number;
  @ApiProperty(MINOR) monetaryMinor!: number;
  @ApiProperty({ type: Number, nullable: true }) meanRecencyDays!: number | null;
  @ApiProperty({ type: Number, nullable: true }) meanFrequency!: number | null;
}

/** One property per RFM segment, every segment present. */
export class RfmSegmentsDto {}
for (const segment of RFM_SEGMENTS) ApiProperty({ type: SegmentFiguresDto })(RfmSegmentsDto.prototype, segment);

/** Customers per score 1 to 5. */
export class ScoreCountsDto {}
for (const score of ['1', '2', '3', '4', '5']) ApiProperty(COUNT)(ScoreCountsDto.prototype, score);

export class RfmScoreCountsDto {
  @ApiProperty({ type: ScoreCountsDto }) r!: ScoreCountsDto;
  @ApiProperty({ type: ScoreCountsDto }) f!: ScoreCountsDto;
  @ApiProperty({ type: ScoreCountsDto }) m!: ScoreCountsDto;
}

export class RfmDistributionDto {
  @ApiProperty(COUNT) customers!: number;
  @ApiProperty({ ...DAY, nullable: true, description: 'Of the last full recompute; null before the first' })
  calibrationEnd!: string | null;
  @ApiProperty({ ...TIMESTAMP, nullable: true }) computedAt!: string | null;
  @ApiProperty({ type: RfmSegmentsDto }) segments!: RfmSegmentsDto;
  @ApiProperty({ type: RfmScoreCountsDto }) scores!: RfmScoreCountsDto;
}

export class ClvDistributionDto {
  @ApiProperty({ ...COUNT, description: 'Customers with a CLV' }) customers!: number;
  @ApiProperty(MINOR) totalClvMinor!: number;
  @ApiProperty({ type: Number, nullable: true }) meanClvMinor!: number | null;
  @ApiProperty({
    type: 'array',
    items: MINOR,
    maxItems: 10,
    description: 'CLV at the 10th, 20th .. 100th percentile; empty without customers',
  })
  deciles!: number[];
  @ApiProperty({ ...RATIO, nullable: true }) meanPAlive!: number | null;
  @ApiProperty({ ...RATIO, nullable: true }) meanChurnRisk!: number | null;
}

export class TopCustomerDto {
  @ApiProperty(UUID) customerId!: string;
  @ApiProperty(MINOR) clvMinor!: number;
  @ApiProperty(RATIO) pAlive!: number;
  @ApiProperty(RATIO) churnRisk!: number;
  @ApiProperty({ enum: RFM_SEGMENTS }) segment!: string;
  @ApiProperty() expectedPurchases!: number;
}

export class TopCustomersDto {
  @ApiProperty({ type: [TopCustomerDto], maxItems: 200, description: 'Highest CLV first, at most `limit`' })
  items!: TopCustomerDto[];
}

class RecomputeTimingsDto {
  @ApiProperty(MS) fitMs!: number;
  @ApiProperty(MS) scoresMs!: number;
  @ApiProperty(MS) publishMs!: number;
}

export class RecomputeResultDto {
  @ApiProperty(DAY) calibrationEnd!: string;
  @ApiProperty({ ...COUNT, description: 'Customers scored' }) customers!: number;
  @ApiProperty({ ...COUNT, description: 'Scored events published (scores whose published figures moved)' })
  published!: number;
  @ApiProperty({ type: RecomputeTimingsDto }) timings!: RecomputeTimingsDto;
}
