import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import { Type } from 'class-transformer';
import {
  ArrayMaxSize,
  ArrayMinSize,
  ArrayUnique,
  IsArray,
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
import { SALES_CHANNELS, SALES_ORDER_STATUSES, type SalesChannel, type SalesOrderStatus } from '@crm/contracts';
import { PageQueryDto } from '@crm/platform';
import { IsCurrency } from '../../price-books/currency';
import { SKU_PATTERN } from '../../products/dto/product.dto';
import { IsGivenOnce, IsNotBlank } from '../../shared/validators';
import { INITIAL_ORDER_STATUSES } from '../order-status';
import { BillingDto } from './billing.dto';

const PERCENT = { maxDecimalPlaces: 3, allowNaN: false, allowInfinity: false };
const PERCENT_MESSAGE = 'must be a percentage from 0 to 100 with at most 3 decimals';
const WHOLE = 'must be a whole number';

export class OrderLineDto {
  @ApiPropertyOptional({ format: 'uuid', description: 'A product of the catalogue; or give its sku' })
  @IsOptional()
  @IsUUID(undefined, { message: 'must be a UUID' })
  productId?: string;

  @ApiPropertyOptional({
    maxLength: 64,
    description: "The catalogue's SKU; an unknown SKU makes a free-text line (then name is needed)",
  })
  @IsOptional()
  @IsString()
  @Matches(SKU_PATTERN, { message: 'must be 1-64 letters, digits, dots, dashes, underscores or slashes' })
  sku?: string;

  @ApiPropertyOptional({ minLength: 1, maxLength: 200, description: "Left out: the product's name" })
  @IsOptional()
  @IsString()
  @Length(1, 200)
  @IsNotBlank()
  name?: string;

  @ApiPropertyOptional({ maxLength: 100, description: "Left out: the product's model" })
  @IsOptional()
  @IsString()
  @MaxLength(100)
  model?: string;

  @ApiPropertyOptional({
    type: [String],
    maxItems: 1000,
    items: { type: 'string', minLength: 1, maxLength: 100 },
    description: 'At most one per unit, each at most 100 characters',
  })
  @IsOptional()
  @IsArray()
  @ArrayMaxSize(1000)
  @ArrayUnique({ message: 'must not repeat a serial number' })
  @IsString({ each: true })
  @Length(1, 100, { each: true })
  serialNumbers?: string[];

  @ApiProperty({ minimum: 1, maximum: 1_000_000, description: 'Whole units' })
  @IsInt({ message: WHOLE })
  @Min(1, { message: 'must be at least 1' })
  @Max(1_000_000, { message: 'must be at most 1,000,000' })
  quantity!: number;

  @ApiPropertyOptional({
    minimum: 0,
    maximum: 1e12,
    description: "Minor units; left out: the product's price in the currency's default price book",
  })
  @IsOptional()
  @IsInt({ message: 'must be a whole number of minor units' })
  @Min(0, { message: 'must not be negative' })
  @Max(1e12, { message: 'must be at most 1,000,000,000,000 minor units' })
  unitPriceMinor?: number;

  @ApiPropertyOptional({ minimum: 0, maximum: 100, default: 0, description: 'Percent, at most 3 decimals' })
  @IsOptional()
  @IsNumber(PERCENT, { message: PERCENT_MESSAGE })
  @Min(0, { message: PERCENT_MESSAGE })
  @Max(100, { message: PERCENT_MESSAGE })
  discountPercent?: number;

  @ApiPropertyOptional({ minimum: 0, maximum: 100, default: 0, description: 'Percent, at most 3 decimals' })
  @IsOptional()
  @IsNumber(PERCENT, { message: PERCENT_MESSAGE })
  @Min(0, { message: PERCENT_MESSAGE })
  @Max(100, { message: PERCENT_MESSAGE })
  taxRatePercent?: number;
}

export class CreateOrderDto {
  @ApiProperty({ enum: SALES_CHANNELS }) @IsIn(SALES_CHANNELS) channel!: SalesChannel;

  @ApiPropertyOptional({ maxLength: 100, description: 'Store, warehouse or site code' })
  @IsOptional()
  @IsString()
  @Length(1, 100)
  @IsNotBlank()
  location?: string;

  @ApiPropertyOptional({
    maxLength: 100,
    description: "The shop's order id: unique per channel; sending it again answers the first order (200)",
  })
  @IsOptional()
  @IsString()
  @Length(1, 100)
  @IsNotBlank()
  externalOrderId?: string;

  @ApiPropertyOptional({ format: 'uuid' })
  @IsOptional()
  @IsUUID(undefined, { message: 'must be a UUID' })
  contactId?: string;
  @ApiPropertyOptional({ format: 'uuid', description: "Left out: the contact's account, as sales knows it" })
  @IsOptional()
  @IsUUID(undefined, { message: 'must be a UUID' })
  accountId?: string;
  @ApiPropertyOptional({ format: 'uuid' })
  @IsOptional()
  @IsUUID(undefined, { message: 'must be a UUID' })
  dealId?: string;

  @ApiProperty({ example: 'EUR', minLength: 3, maxLength: 3, description: 'ISO 4217, upper case' })
  @IsCurrency()
  currency!: string;

  @ApiPropertyOptional({
    format: 'date-time',
    maxLength: 40,
    description: 'When the sale happened (imported history may be years old); not in the future. Left out: now',
  })
  @IsOptional()
  @IsISO8601({ strict: true }, { message: 'must be a date-time, e.g. 2026-03-01T10:00:00Z' })
  placedAt?: string;

  @ApiPropertyOptional({
    enum: INITIAL_ORDER_STATUSES,
    default: 'placed',
    description: 'An imported till sale may arrive paid or fulfilled',
  })
  @IsOptional()
  @IsIn(INITIAL_ORDER_STATUSES)
  status?: SalesOrderStatus;

  @ApiProperty({ type: [OrderLineDto], minItems: 1, maxItems: 200 })
  @IsArray()
  @ArrayMinSize(1)
  @ArrayMaxSize(200)
  @ValidateNested({ each: true })
  @Type(() => OrderLineDto)
  lines!: OrderLineDto[];

  @ApiPropertyOptional({ type: BillingDto })
  @IsOptional()
  @ValidateNested()
  @Type(() => BillingDto)
  billing?: BillingDto;
}

export class RefundLineDto {
  @ApiProperty({ format: 'uuid' }) @IsUUID(undefined, { message: 'must be a UUID' }) lineId!: string;
  @ApiProperty({ minimum: 1, maximum: 1_000_000 })
  @IsInt({ message: WHOLE })
  @Min(1, { message: 'must be at least 1' })
  @Max(1_000_000, { message: 'must be at most 1,000,000' })
  quantity!: number;
}

export class RefundDto {
  @ApiProperty({ type: [RefundLineDto], minItems: 1, maxItems: 200 })
  @IsArray()
  @ArrayMinSize(1)
  @ArrayMaxSize(200)
  @ValidateNested({ each: true })
  @Type(() => RefundLineDto)
  lines!: RefundLineDto[];

  @ApiPropertyOptional({ maxLength: 500 }) @IsOptional() @IsString() @MaxLength(500) reason?: string;
}

const AMOUNT = 'must be a whole number of minor units from 0';

export class OrderListQuery extends PageQueryDto {
  @ApiPropertyOptional({ enum: SALES_ORDER_STATUSES })
  @IsOptional()
  @IsGivenOnce()
  @IsIn(SALES_ORDER_STATUSES)
  status?: SalesOrderStatus;
  @ApiPropertyOptional({ enum: SALES_CHANNELS })
  @IsOptional()
  @IsGivenOnce()
  @IsIn(SALES_CHANNELS)
  channel?: SalesChannel;
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
  @ApiPropertyOptional({ format: 'uuid' })
  @IsOptional()
  @IsGivenOnce()
  @IsUUID(undefined, { message: 'must be a UUID' })
  dealId?: string;
  @ApiPropertyOptional({ example: 'EUR', minLength: 3, maxLength: 3 })
  @IsOptional()
  @IsGivenOnce()
  @IsCurrency()
  currency?: string;
  @ApiPropertyOptional({ maxLength: 100 })
  @IsOptional()
  @IsGivenOnce()
  @IsString()
  @MaxLength(100)
  location?: string;
  @ApiPropertyOptional({ format: 'date-time', description: 'Placed at or after', maxLength: 40 })
  @IsOptional()
  @IsGivenOnce()
  @IsISO8601({ strict: true }, { message: 'must be a date or date-time' })
  placedFrom?: string;
  @ApiPropertyOptional({ format: 'date-time', description: 'Placed before', maxLength: 40 })
  @IsOptional()
  @IsGivenOnce()
  @IsISO8601({ strict: true }, { message: 'must be a date or date-time' })
  placedTo?: string;
  @ApiPropertyOptional({ minimum: 0, description: 'Total at least, minor units' })
  @IsOptional()
  @IsGivenOnce()
  @Type(() => Number)
  @IsInt({ message: AMOUNT })
  @Min(0, { message: AMOUNT })
  @Max(Number.MAX_SAFE_INTEGER, { message: AMOUNT })
  minTotalMinor?: number;
  @ApiPropertyOptional({ minimum: 0, description: 'Total at most, minor units' })
  @IsOptional()
  @IsGivenOnce()
  @Type(() => Number)
  @IsInt({ message: AMOUNT })
  @Min(0, { message: AMOUNT })
  @Max(Number.MAX_SAFE_INTEGER, { message: AMOUNT })
  maxTotalMinor?: number;
}

export class OrderIdParams {
  @ApiProperty({ format: 'uuid' }) @IsUUID(undefined, { message: 'must be a UUID' }) id!: string;
}

export const ORDER_ACTION_NAMES = ['pay', 'fulfil', 'cancel'] as const;

export class OrderActionParams extends OrderIdParams {
  @ApiProperty({ enum: ORDER_ACTION_NAMES }) @IsIn(ORDER_ACTION_NAMES) action!: (typeof ORDER_ACTION_NAMES)[number];
}
