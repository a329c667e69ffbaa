import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import { Type } from 'class-transformer';
import {
  ArrayMaxSize,
  ArrayMinSize,
  ArrayUnique,
  IsArray,
  IsDateString,
  IsIn,
  IsInt,
  IsOptional,
  IsUUID,
  Matches,
  Max,
  Min,
  ValidateNested,
} from 'class-validator';
import { AGE_BANDS, AGREEMENT_PURPOSES, SHAREABLE_FIELDS } from '../shareable-fields';

const HASH = /^[0-9a-f]{64}$/;
const HASH_MESSAGE = 'must be a lower-case hex HMAC-SHA256 (64 characters)';

export class MatchRecordDto {
  @ApiPropertyOptional({ pattern: HASH.source, maxLength: 64 })
  @IsOptional()
  @Matches(HASH, { message: HASH_MESSAGE })
  emailHash?: string;

  @ApiPropertyOptional({ pattern: HASH.source, maxLength: 64 })
  @IsOptional()
  @Matches(HASH, { message: HASH_MESSAGE })
  phoneHash?: string;
}

/**
 * The first release's match request (exchange protocol 1), exactly as that
 * release validated it: a suite pinned to protocol 1 checks bodies against it.
 */
export class LegacyMatchRequestDto {
  @IsArray()
  @ArrayMinSize(1)
  @ArrayMaxSize(2000)
  @ValidateNested({ each: true })
  @Type(() => MatchRecordDto)
  records!: MatchRecordDto[];
}

export class MatchRequestDto {
  @ApiPropertyOptional({
    minimum: 1,
    maximum: 1000,
    description:
      "The exchange protocol the caller speaks in this request: 2 for a chunked match (matchId, chunk, chunks), 1 or none for a whole list. A version this suite does not speak is refused 400 on `protocol`; every answer's x-partner-exchange-protocols header lists the versions it speaks",
  })
  @IsOptional()
  @Type(() => Number)
  @IsInt()
  @Min(1)
  @Max(1000)
  protocol?: number;

  @ApiPropertyOptional({
    format: 'uuid',
    description: 'One id for all the chunks of a list: counted as one, answered at the last chunk',
  })
  @IsOptional()
  @IsUUID('all', { message: 'must be a UUID' })
  matchId?: string;

  @ApiPropertyOptional({ minimum: 0 })
  @IsOptional()
  @Type(() => Number)
  @IsInt()
  @Min(0)
  @Max(100_000)
  chunk?: number;

  @ApiPropertyOptional({ minimum: 1 })
  @IsOptional()
  @Type(() => Number)
  @IsInt()
  @Min(1)
  @Max(100_000)
  chunks?: number;

  @ApiProperty({ type: [MatchRecordDto], minItems: 1, maxItems: 2000 })
  @IsArray()
  @ArrayMinSize(1)
  @ArrayMaxSize(2000)
  @ValidateNested({ each: true })
  @Type(() => MatchRecordDto)
  records!: MatchRecordDto[];
}

/** One shared record: keyed hashes and coarse attributes; any other property is refused (no free text). */
export class SharedRecordDto extends MatchRecordDto {
  @ApiPropertyOptional({ pattern: '^[A-Z]{2}$', maxLength: 2 })
  @IsOptional()
  @Matches(/^[A-Z]{2}$/, { message: 'must be an ISO 3166-1 alpha-2 country code' })
  country?: string;

  @ApiPropertyOptional({ enum: AGE_BANDS })
  @IsOptional()
  @IsIn(AGE_BANDS, { message: `must be one of ${AGE_BANDS.join(', ')}` })
  ageBand?: string;

  @ApiPropertyOptional({ pattern: '^[A-Za-z0-9_-]{1,40}$', maxLength: 40 })
  @IsOptional()
  @Matches(/^[A-Za-z0-9_-]{1,40}$/, { message: 'must be a segment code (letters, digits, - or _)' })
  rfmSegment?: string;
}

export class AudienceChunkDto {
  @ApiProperty({ format: 'uuid', description: "The sender's share id" })
  @IsUUID('all', { message: 'must be a UUID' })
  shareId!: string;

  @ApiProperty({ minimum: 0 })
  @Type(() => Number)
  @IsInt()
  @Min(0)
  @Max(100_000)
  chunk!: number;

  @ApiProperty({ minimum: 1 })
  @Type(() => Number)
  @IsInt()
  @Min(1)
  @Max(100_000)
  chunks!: number;

  @ApiProperty({ format: 'date-time' })
  @IsDateString({ strict: true }, { message: 'must be an ISO 8601 date-time' })
  sharedAt!: string;

  @ApiProperty({ format: 'date-time' })
  @IsDateString({ strict: true }, { message: 'must be an ISO 8601 date-time' })
  expiresAt!: string;

  @ApiProperty({ enum: AGREEMENT_PURPOSES, isArray: true, minItems: 1, maxItems: AGREEMENT_PURPOSES.length })
  @IsArray()
  @ArrayMinSize(1)
  @ArrayMaxSize(AGREEMENT_PURPOSES.length)
  @ArrayUnique()
  @IsIn(AGREEMENT_PURPOSES, { each: true })
  purposes!: string[];

  @ApiProperty({ enum: SHAREABLE_FIELDS, isArray: true, minItems: 1, maxItems: SHAREABLE_FIELDS.length })
  @IsArray()
  @ArrayMinSize(1)
  @ArrayMaxSize(SHAREABLE_FIELDS.length)
  @ArrayUnique()
  @IsIn(SHAREABLE_FIELDS, { each: true })
  fields!: string[];

  @ApiProperty({ type: [SharedRecordDto], minItems: 1, maxItems: 2000 })
  @IsArray()
  @ArrayMinSize(1)
  @ArrayMaxSize(2000)
  @ValidateNested({ each: true })
  @Type(() => SharedRecordDto)
  records!: SharedRecordDto[];
}

export class DeletionNoticeDto {
  @ApiProperty({ format: 'uuid' })
  @IsUUID('all', { message: 'must be a UUID' })
  noticeId!: string;

  @ApiProperty({ format: 'date-time' })
  @IsDateString({ strict: true }, { message: 'must be an ISO 8601 date-time' })
  issuedAt!: string;

  @ApiProperty({ type: 'array', items: { type: 'string', pattern: HASH.source, maxLength: 64 }, maxItems: 100 })
  @IsArray()
  @ArrayMaxSize(100)
  @Matches(HASH, { each: true, message: HASH_MESSAGE })
  emailHashes!: string[];

  @ApiProperty({ type: 'array', items: { type: 'string', pattern: HASH.source, maxLength: 64 }, maxItems: 100 })
  @IsArray()
  @ArrayMaxSize(100)
  @Matches(HASH, { each: true, message: HASH_MESSAGE })
  phoneHashes!: string[];
}
