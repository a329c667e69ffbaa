import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import { Type } from 'class-transformer';
import {
  ArrayMaxSize,
  ArrayMinSize,
  IsArray,
  IsBoolean,
  IsIn,
  IsInt,
  IsISO8601,
  IsNumber,
  IsOptional,
  IsString,
  IsUUID,
  Length,
  Matches,
  Max,
  MaxLength,
  Min,
  ValidateNested,
} from 'class-validator';
import { SALES_CHANNELS, SALES_QUOTE_STATUSES, type SalesChannel, type SalesQuoteStatus } from '@crm/contracts';
import { PageQueryDto } from '@crm/platform';
import { BillingDto } from '../../orders/dto/billing.dto';
import { IsCurrency } from '../../price-books/currency';
import { IsGivenOnce, IsNotBlank } from '../../shared/validators';

const PERCENT = { maxDecimalPlaces: 3, allowNaN: false, allowInfinity: false };
const PERCENT_MESSAGE = 'must be a percentage from 0 to 100 with at most 3 decimals';
const DAY = /^\d{4}-\d{2}-\d{2}$/;
const DAY_MESSAGE = 'must be a date, YYYY-MM-DD';

export class QuoteLineDto {
  @ApiProperty({ format: 'uuid', description: 'An active product' })
  @IsUUID(undefined, { message: 'must be a UUID' })
  productId!: string;

  @ApiProperty({ minimum: 1, maximum: 1_000_000 })
  @IsInt({ message: 'must be a whole number' })
  @Min(1, { message: 'must be at least 1' })
  @Max(1_000_000, { message: 'must be at most 1,000,000' })
  quantity!: number;

  @ApiPropertyOptional({
    minimum: 0,
    maximum: 1e12,
    description: "Overrides the price book's unit price (minor units)",
  })
  @IsOptional()
  @IsInt({ message: 'must be a whole number of minor units' })
  @Min(0, { message: 'must not be negative' })
  @Max(1e12, { message: 'must be at most 1,000,000,000,000 minor units' })
  unitPriceMinor?: number;

  @ApiPropertyOptional({ minimum: 0, maximum: 100, default: 0 })
  @IsOptional()
  @IsNumber(PERCENT, { message: PERCENT_MESSAGE })
  @Min(0, { message: PERCENT_MESSAGE })
  @Max(100, { message: PERCENT_MESSAGE })
  discountPercent?: number;

  @ApiPropertyOptional({ minimum: 0, maximum: 100, default: 0 })
  @IsOptional()
  @IsNumber(PERCENT, { message: PERCENT_MESSAGE })
  @Min(0, { message: PERCENT_MESSAGE })
  @Max(100, { message: PERCENT_MESSAGE })
  taxRatePercent?: number;
}

export class QuoteTermsDto {
  @ApiPropertyOptional({ format: 'uuid', description: "Left out: the currency's default price book" })
  @IsOptional()
  @IsUUID(undefined, { message: 'must be a UUID' })
  priceBookId?: string;

  @ApiPropertyOptional({ format: 'date', description: 'Last day the quote can be accepted; it expires after it' })
  @IsOptional()
  @Matches(DAY, { message: DAY_MESSAGE })
  @IsISO8601({ strict: true }, { message: DAY_MESSAGE })
  validUntil?: string;

  @ApiPropertyOptional({ type: BillingDto })
  @IsOptional()
  @ValidateNested()
  @Type(() => BillingDto)
  billing?: BillingDto;
}

export class CreateQuoteDto extends QuoteTermsDto {
  @ApiProperty({ format: 'uuid' }) @IsUUID(undefined, { message: 'must be a UUID' }) dealId!: string;

  @ApiPropertyOptional({ example: 'EUR', minLength: 3, maxLength: 3, description: "Left out: the deal's currency" })
  @IsOptional()
  @IsCurrency()
  currency?: string;

  @ApiProperty({ type: [QuoteLineDto], minItems: 1, maxItems: 200 })
  @IsArray()
  @ArrayMinSize(1)
  @ArrayMaxSize(200)
  @ValidateNested({ each: true })
  @Type(() => QuoteLineDto)
  lines!: QuoteLineDto[];
}

/** A draft's lines and terms, changed in place; lines, when given, replace all of them. */
export class UpdateQuoteDto extends QuoteTermsDto {
  @ApiPropertyOptional({ type: [QuoteLineDto], minItems: 1, maxItems: 200 })
  @IsOptional()
  @IsArray()
  @ArrayMinSize(1)
  @ArrayMaxSize(200)
  @ValidateNested({ each: true })
  @Type(() => QuoteLineDto)
  lines?: QuoteLineDto[];
}

export class AcceptQuoteDto {
  @ApiPropertyOptional({ default: true, description: 'Create the order from the quote (in the same transaction)' })
  @IsOptional()
  @IsBoolean()
  createOrder?: boolean;

  @ApiPropertyOptional({ enum: SALES_CHANNELS, default: 'phone' })
  @IsOptional()
  @IsIn(SALES_CHANNELS)
  channel?: SalesChannel;

  @ApiPropertyOptional({ maxLength: 100 })
  @IsOptional()
  @IsString()
  @Length(1, 100)
  @IsNotBlank()
  location?: string;

  @ApiPropertyOptional({ maxLength: 100 })
  @IsOptional()
  @IsString()
  @Length(1, 100)
  @IsNotBlank()
  externalOrderId?: string;
}

export class RejectQuoteDto {
  @ApiPropertyOptional({ maxLength: 500 }) @IsOptional() @IsString() @MaxLength(500) reason?: string;
}

const AMOUNT = 'must be a whole number of minor units from 0';

export class QuoteListQuery extends PageQueryDto {
  @ApiPropertyOptional({ format: 'uuid' })
  @IsOptional()
  @IsGivenOnce()
  @IsUUID(undefined, { message: 'must be a UUID' })
  dealId?: string;
  @ApiPropertyOptional({ enum: SALES_QUOTE_STATUSES })
  @IsOptional()
  @IsGivenOnce()
  @IsIn(SALES_QUOTE_STATUSES)
  status?: SalesQuoteStatus;
  @ApiPropertyOptional({ format: 'uuid' })
  @IsOptional()
  @IsGivenOnce()
  @IsUUID(undefined, { message: 'must be a UUID' })
  contactId?: string;
  @ApiPropertyOptional({ format: 'uuid' })
  @IsOptional()
  @IsGivenOnce()
  @IsUUID(undefined, { message: 'must be a UUID' })
  accountId?: string;
  @ApiPropertyOptional({ example: 'EUR', minLength: 3, maxLength: 3 })
  @IsOptional()
  @IsGivenOnce()
  @IsCurrency()
  currency?: string;
  @ApiPropertyOptional({ description: 'Only the current revision of each quote', enum: ['true', 'false'] })
  @IsOptional()
  @IsIn(['true', 'false'])
  current?: 'true' | 'false';
  @ApiPropertyOptional({ format: 'date-time', description: 'Created at or after', maxLength: 40 })
  @IsOptional()
  @IsGivenOnce()
  @IsISO8601({ strict: true }, { message: 'must be a date or date-time' })
  createdFrom?: string;
  @ApiPropertyOptional({ format: 'date-time', description: 'Created before', maxLength: 40 })
  @IsOptional()
  @IsGivenOnce()
  @IsISO8601({ strict: true }, { message: 'must be a date or date-time' })
  createdTo?: string;
  @ApiPropertyOptional({ minimum: 0 })
  @IsOptional()
  @IsGivenOnce()
  @Type(() => Number)
  @IsInt({ message: AMOUNT })
  @Min(0, { message: AMOUNT })
  @Max(Number.MAX_SAFE_INTEGER, { message: AMOUNT })
  minTotalMinor?: number;
  @ApiPropertyOptional({ minimum: 0 })
  @IsOptional()
  @IsGivenOnce()
  @Type(() => Number)
  @IsInt({ message: AMOUNT })
  @Min(0, { message: AMOUNT })
  @Max(Number.MAX_SAFE_INTEGER, { message: AMOUNT })
  maxTotalMinor?: number;
}

export class QuoteIdParams {
  @ApiProperty({ format: 'uuid' }) @IsUUID(undefined, { message: 'must be a UUID' }) id!: string;
}
