import { ApiProperty, ApiPropertyOptional, PartialType, OmitType } from '@nestjs/swagger';
import { Transform, Type } from 'class-transformer';
import {
  ArrayMaxSize,
  IsArray,
  IsIn,
  IsInt,
  IsISO4217CurrencyCode,
  IsObject,
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
import { PageQueryDto } from '@crm/platform';
import { MAX_AMOUNT_MINOR } from '../../shared/currency';
import { IsGivenOnce, IsNotBlank } from '../../shared/validators';

const DATE = /^\d{4}-(0[1-9]|1[0-2])-(0[1-9]|[12]\d|3[01])$/;
const DATE_MESSAGE = { message: 'must be a date YYYY-MM-DD' };
const UUID_MESSAGE = { message: 'must be a UUID' };
const CURRENCY_MESSAGE = { message: 'must be an ISO 4217 currency code such as EUR' };
const AMOUNT_MESSAGE = { message: `must be a whole number of minor units from 0 to ${MAX_AMOUNT_MINOR}` };

export class DealSourceDto {
  @ApiPropertyOptional({ maxLength: 200, type: String, nullable: true })
  @IsOptional()
  @IsString()
  @MaxLength(200)
  campaign?: string | null;
  @ApiPropertyOptional({ maxLength: 100, type: String, nullable: true, example: 'web' })
  @IsOptional()
  @IsString()
  @MaxLength(100)
  channel?: string | null;
}

export class CreateDealDto {
  @ApiProperty({ minLength: 1, maxLength: 200 }) @IsString() @Length(1, 200) @IsNotBlank() name!: string;
  @ApiProperty({ format: 'uuid' }) @IsUUID(undefined, UUID_MESSAGE) pipelineId!: string;
  @ApiPropertyOptional({ format: 'uuid', description: 'An open stage of the pipeline (default: its first open stage)' })
  @IsOptional()
  @IsUUID(undefined, UUID_MESSAGE)
  stageId?: string;
  @ApiPropertyOptional({ format: 'uuid', type: String, nullable: true })
  @IsOptional()
  @IsUUID(undefined, UUID_MESSAGE)
  contactId?: string | null;
  @ApiPropertyOptional({ format: 'uuid', type: String, nullable: true })
  @IsOptional()
  @IsUUID(undefined, UUID_MESSAGE)
  accountId?: string | null;
  @ApiPropertyOptional({ maxLength: 200, type: String, nullable: true, description: 'Default: the caller' })
  @IsOptional()
  @IsString()
  @Length(1, 200)
  ownerId?: string | null;
  @ApiProperty({ minimum: 0, maximum: MAX_AMOUNT_MINOR, format: 'int64', description: 'Minor units (cents)' })
  @IsInt(AMOUNT_MESSAGE)
  @Min(0, AMOUNT_MESSAGE)
  @Max(MAX_AMOUNT_MINOR, AMOUNT_MESSAGE)
  amountMinor!: number;
  @ApiProperty({ minLength: 3, maxLength: 3, example: 'EUR' })
  @IsISO4217CurrencyCode(CURRENCY_MESSAGE)
  currency!: string;
  @ApiPropertyOptional({ format: 'date', type: String, nullable: true, maxLength: 10 })
  @IsOptional()
  @Matches(DATE, DATE_MESSAGE)
  expectedCloseDate?: string | null;
  @ApiPropertyOptional({ type: DealSourceDto })
  @IsOptional()
  @IsObject()
  @ValidateNested()
  @Type(() => DealSourceDto)
  source?: DealSourceDto;
  @ApiPropertyOptional({ type: [String], maxItems: 20, items: { type: 'string', maxLength: 50 } })
  @IsOptional()
  @IsArray()
  @ArrayMaxSize(20)
  @IsString({ each: true })
  @Length(1, 50, { each: true })
  tags?: string[];
  @ApiPropertyOptional({
    type: 'object',
    additionalProperties: true,
    maxProperties: 50,
    description: 'Values of the defined deal fields (/deal-fields), by key',
  })
  @IsOptional()
  @IsObject()
  customFields?: Record<string, unknown>;
}

/** Every field but pipeline and stage (moves have their own route); null clears what may be cleared. */
export class UpdateDealDto extends PartialType(OmitType(CreateDealDto, ['pipelineId', 'stageId'] as const)) {}

export class MoveDealDto {
  @ApiProperty({ format: 'uuid', description: "An active stage of the deal's own pipeline" })
  @IsUUID(undefined, UUID_MESSAGE)
  stageId!: string;
  @ApiPropertyOptional({ format: 'uuid', description: 'Required for a lost stage: an active lost reason' })
  @IsOptional()
  @IsUUID(undefined, UUID_MESSAGE)
  lostReasonId?: string;
  @ApiPropertyOptional({ maxLength: 2000, description: 'Free text beside the lost reason' })
  @IsOptional()
  @IsString()
  @MaxLength(2000)
  lostNote?: string;
}

export class ReopenDealDto {
  @ApiProperty({ format: 'uuid', description: "An open stage of the deal's pipeline" })
  @IsUUID(undefined, UUID_MESSAGE)
  stageId!: string;
}

const STATUSES = ['open', 'won', 'lost'] as const;

const amountQuery = () =>
  Transform(({ value }: { value: unknown }) =>
    typeof value === 'string' && /^\d{1,16}$/.test(value) ? Number(value) : value,
  );

export class DealListQuery extends PageQueryDto {
  @ApiPropertyOptional({ format: 'uuid' })
  @IsOptional()
  @IsGivenOnce()
  @IsUUID(undefined, UUID_MESSAGE)
  pipelineId?: string;
  @ApiPropertyOptional({ format: 'uuid' })
  @IsOptional()
  @IsGivenOnce()
  @IsUUID(undefined, UUID_MESSAGE)
  stageId?: string;
  @ApiPropertyOptional({ maxLength: 200 }) @IsOptional() @IsGivenOnce() @IsString() @MaxLength(200) ownerId?: string;
  @ApiPropertyOptional({ format: 'uuid' })
  @IsOptional()
  @IsGivenOnce()
  @IsUUID(undefined, UUID_MESSAGE)
  contactId?: string;
  @ApiPropertyOptional({ format: 'uuid' })
  @IsOptional()
  @IsGivenOnce()
  @IsUUID(undefined, UUID_MESSAGE)
  accountId?: string;
  @ApiPropertyOptional({ enum: STATUSES }) @IsOptional() @IsGivenOnce() @IsIn(STATUSES) status?: string;
  @ApiPropertyOptional({ minLength: 3, maxLength: 3 })
  @IsOptional()
  @IsGivenOnce()
  @IsISO4217CurrencyCode(CURRENCY_MESSAGE)
  currency?: string;
  @ApiPropertyOptional({ maxLength: 50, description: 'Deals carrying this tag' })
  @IsOptional()
  @IsGivenOnce()
  @IsString()
  @MaxLength(50)
  tag?: string;
  @ApiPropertyOptional({ maxLength: 200, description: 'Name contains' })
  @IsOptional()
  @IsGivenOnce()
  @IsString()
  @MaxLength(200)
  q?: string;
  @ApiPropertyOptional({ format: 'date', maxLength: 10, description: 'Expected close on or after' })
  @IsOptional()
  @IsGivenOnce()
  @Matches(DATE, DATE_MESSAGE)
  closeFrom?: string;
  @ApiPropertyOptional({ format: 'date', maxLength: 10, description: 'Expected close on or before' })
  @IsOptional()
  @IsGivenOnce()
  @Matches(DATE, DATE_MESSAGE)
  closeTo?: string;
  @ApiPropertyOptional({ format: 'date', maxLength: 10, description: 'Created on or after (UTC day)' })
  @IsOptional()
  @IsGivenOnce()
  @Matches(DATE, DATE_MESSAGE)
  createdFrom?: string;
  @ApiPropertyOptional({ format: 'date', maxLength: 10, description: 'Created on or before (UTC day)' })
  @IsOptional()
  @IsGivenOnce()
  @Matches(DATE, DATE_MESSAGE)
  createdTo?: string;
  @ApiPropertyOptional({
    minimum: 0,
    maximum: MAX_AMOUNT_MINOR,
    format: 'int64',
    description: 'Amount at least (minor units)',
  })
  @IsOptional()
  @IsGivenOnce()
  @amountQuery()
  @IsInt(AMOUNT_MESSAGE)
  @Min(0, AMOUNT_MESSAGE)
  @Max(MAX_AMOUNT_MINOR, AMOUNT_MESSAGE)
  amountMin?: number;
  @ApiPropertyOptional({
    minimum: 0,
    maximum: MAX_AMOUNT_MINOR,
    format: 'int64',
    description: 'Amount at most (minor units)',
  })
  @IsOptional()
  @IsGivenOnce()
  @amountQuery()
  @IsInt(AMOUNT_MESSAGE)
  @Min(0, AMOUNT_MESSAGE)
  @Max(MAX_AMOUNT_MINOR, AMOUNT_MESSAGE)
  amountMax?: number;
}

export class DealIdParams {
  @ApiProperty({ format: 'uuid' }) @IsUUID(undefined, UUID_MESSAGE) id!: string;
}
