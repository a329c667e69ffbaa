import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import { IsIn, IsISO4217CurrencyCode, IsOptional, IsString, IsUUID, Matches, MaxLength } from 'class-validator';
import { IsGivenOnce } from '../../shared/validators';

const DATE = /^\d{4}-(0[1-9]|1[0-2])-(0[1-9]|[12]\d|3[01])$/;
export const PERIODS = ['month', 'quarter'] as const;
export const GROUP_BY = ['none', 'owner', 'pipeline'] as const;

export class ForecastQuery {
  @ApiProperty({
    minLength: 3,
    maxLength: 3,
    example: 'EUR',
    description: 'The one currency of the answer: deals in it only, or every deal converted to it with convert=true',
  })
  @IsGivenOnce()
  @IsISO4217CurrencyCode({ message: 'must be an ISO 4217 currency code such as EUR' })
  currency!: string;

  @ApiPropertyOptional({
    enum: ['true', 'false'],
    default: 'false',
    description: 'Convert deals in other currencies with the rates of /currency-rates (422 if one is missing)',
  })
  @IsOptional()
  @IsGivenOnce()
  @IsIn(['true', 'false'])
  convert?: string;

  @ApiPropertyOptional({ enum: PERIODS, default: 'month' })
  @IsOptional()
  @IsGivenOnce()
  @IsIn(PERIODS)
  period?: (typeof PERIODS)[number];

  @ApiPropertyOptional({
    enum: GROUP_BY,
    default: 'none',
    description: 'Rows per period and owner, or per period and pipeline',
  })
  @IsOptional()
  @IsGivenOnce()
  @IsIn(GROUP_BY)
  groupBy?: (typeof GROUP_BY)[number];

  @ApiPropertyOptional({
    format: 'date',
    maxLength: 10,
    description: 'First day counted (expected close for open deals, won day for won ones)',
  })
  @IsOptional()
  @IsGivenOnce()
  @Matches(DATE, { message: 'must be a date YYYY-MM-DD' })
  from?: string;

  @ApiPropertyOptional({ format: 'date', maxLength: 10, description: 'Last day counted' })
  @IsOptional()
  @IsGivenOnce()
  @Matches(DATE, { message: 'must be a date YYYY-MM-DD' })
  to?: string;

  @ApiPropertyOptional({ format: 'uuid' })
  @IsOptional()
  @IsGivenOnce()
  @IsUUID(undefined, { message: 'must be a UUID' })
  pipelineId?: string;

  @ApiPropertyOptional({ maxLength: 200 })
  @IsOptional()
  @IsGivenOnce()
  @IsString()
  @MaxLength(200)
  ownerId?: string;
}

export class ForecastFiguresDto {
  @ApiProperty({ format: 'int32' }) openCount!: number;
  @ApiProperty({ format: 'int64', description: 'Open amounts, minor units' }) openAmountMinor!: number;
  @ApiProperty({ format: 'int64', description: 'Σ amount × stage probability / 100, rounded half up once' })
  weightedMinor!: number;
  @ApiProperty({ format: 'int32' }) wonCount!: number;
  @ApiProperty({ format: 'int64', description: 'Won amounts, minor units' }) committedMinor!: number;
}

export class ForecastRowDto extends ForecastFiguresDto {
  @ApiProperty({ example: '2027-03', maxLength: 7, description: 'YYYY-MM or YYYY-Qn (UTC)' }) period!: string;
  @ApiPropertyOptional({ type: String, nullable: true, maxLength: 200 }) ownerId?: string | null;
  @ApiPropertyOptional({ type: String, format: 'uuid' }) pipelineId?: string;
}

export class ForecastDto {
  @ApiProperty({ minLength: 3, maxLength: 3 }) currency!: string;
  @ApiProperty({ format: 'int32' }) currencyDigits!: number;
  @ApiProperty() converted!: boolean;
  @ApiProperty({ enum: PERIODS }) period!: string;
  @ApiProperty({ enum: GROUP_BY }) groupBy!: string;
  @ApiProperty({ type: [ForecastRowDto], maxItems: 5000, description: 'At most 5000 (else 422 FORECAST_TOO_WIDE)' })
  rows!: ForecastRowDto[];
  @ApiProperty({ type: ForecastFiguresDto, description: 'Over every row, each sum rounded once' })
  totals!: ForecastFiguresDto;
  @ApiProperty({ format: 'int32', description: 'Open deals left out because they have no expected close date' })
  undatedOpenCount!: number;
}
