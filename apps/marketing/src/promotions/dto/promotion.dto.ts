import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import {
  ArrayMaxSize,
  IsArray,
  IsDateString,
  IsIn,
  IsInt,
  IsISO4217CurrencyCode,
  IsNumber,
  IsOptional,
  IsString,
  IsUUID,
  Length,
  Matches,
  Max,
  Min,
} from 'class-validator';

export class CreatePromotionDto {
  @ApiProperty({ minLength: 1, maxLength: 200 })
  @IsString()
  @Length(1, 200)
  name!: string;

  @ApiProperty({ enum: ['percent', 'amount'] })
  @IsIn(['percent', 'amount'])
  discountKind!: 'percent' | 'amount';

  @ApiPropertyOptional({ minimum: 0.01, maximum: 100, description: 'For percent: at most 2 decimals' })
  @IsOptional()
  @IsNumber({ maxDecimalPlaces: 2 })
  @Min(0.01)
  @Max(100)
  percent?: number;

  @ApiPropertyOptional({ minimum: 1, description: 'For amount: minor units' })
  @IsOptional()
  @IsInt()
  @Min(1)
  @Max(Number.MAX_SAFE_INTEGER)
  amountMinor?: number;

  @ApiPropertyOptional({ example: 'EUR', minLength: 3, maxLength: 3 })
  @IsOptional()
  @IsISO4217CurrencyCode({ message: 'must be an ISO 4217 currency code' })
  currency?: string;

  @ApiPropertyOptional({ enum: ['all', 'product', 'category'] })
  @IsOptional()
  @IsIn(['all', 'product', 'category'])
  scope?: string;

  @ApiPropertyOptional({
    type: [String],
    maxItems: 100,
    items: { type: 'string', minLength: 1, maxLength: 100 },
    description: 'Product ids/SKUs or categories',
  })
  @IsOptional()
  @IsArray()
  @ArrayMaxSize(100)
  @IsString({ each: true })
  @Length(1, 100, { each: true })
  scopeValues?: string[];

  @ApiPropertyOptional({ format: 'date-time' })
  @IsOptional()
  @IsDateString({ strict: true }, { message: 'must be an ISO 8601 date-time' })
  validFrom?: string;

  @ApiPropertyOptional({ format: 'date-time' })
  @IsOptional()
  @IsDateString({ strict: true }, { message: 'must be an ISO 8601 date-time' })
  validUntil?: string;

  @ApiPropertyOptional({ minimum: 1, description: 'Budget: redemptions at most' })
  @IsOptional()
  @IsInt()
  @Min(1)
  @Max(100_000_000)
  maxRedemptions?: number;

  @ApiPropertyOptional({ minimum: 1, maximum: 1000, default: 1 })
  @IsOptional()
  @IsInt()
  @Min(1)
  @Max(1000)
  perCustomerLimit?: number;

  @ApiProperty({ enum: ['shared', 'unique'] })
  @IsIn(['shared', 'unique'])
  codeKind!: 'shared' | 'unique';

  @ApiPropertyOptional({
    pattern: '^[A-Za-z0-9_-]{3,64}$',
    minLength: 3,
    maxLength: 64,
    description: 'The code of a shared promotion',
  })
  @IsOptional()
  @Matches(/^[A-Za-z0-9_-]{3,64}$/, { message: 'must be 3 to 64 letters, digits, "_" or "-"' })
  sharedCode?: string;

  @ApiPropertyOptional({ format: 'uuid', description: 'Only members of this segment may redeem' })
  @IsOptional()
  @IsUUID('all', { message: 'must be a UUID' })
  segmentId?: string;

  @ApiPropertyOptional({
    type: [String],
    format: 'uuid',
    maxItems: 1000,
    description: 'Only these contacts may redeem',
  })
  @IsOptional()
  @IsArray()
  @ArrayMaxSize(1000)
  @IsUUID('all', { each: true, message: 'each must be a UUID' })
  contactIds?: string[];
}

export class IssueCouponsDto {
  @ApiProperty({ type: [String], format: 'uuid', minItems: 1, maxItems: 1000 })
  @IsArray()
  @ArrayMaxSize(1000)
  @IsUUID('all', { each: true, message: 'each must be a UUID' })
  contactIds!: string[];
}
