import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import { Type } from 'class-transformer';
import {
  ArrayMaxSize,
  ArrayMinSize,
  ArrayUnique,
  IsArray,
  IsDateString,
  IsEmail,
  IsIn,
  IsInt,
  IsOptional,
  IsString,
  IsUUID,
  Length,
  Matches,
  Max,
  MaxLength,
  Min,
} from 'class-validator';
import { PageQueryDto } from '@crm/platform';
import { AGREEMENT_PURPOSES, SHAREABLE_FIELDS } from '../shareable-fields';

const BASE_URL = /^https?:\/\/[^\s?#]+$/;

export class CreatePartnerDto {
  @ApiProperty({ minLength: 1, maxLength: 200 })
  @IsString()
  @Length(1, 200)
  name!: string;

  @ApiPropertyOptional({ maxLength: 200, description: 'Who to talk to at the partner' })
  @IsOptional()
  @IsString()
  @Length(1, 200)
  contactName?: string;

  @ApiPropertyOptional({ maxLength: 254 })
  @IsOptional()
  @IsEmail({ require_tld: false }, { message: 'must be an email address' })
  @MaxLength(254)
  contactEmail?: string;

  @ApiProperty({
    maxLength: 500,
    example: 'https://marketing.partner.example',
    description: "Origin (and base path) of the partner suite's marketing service; https unless PARTNER_ALLOW_HTTP",
  })
  @IsString()
  @MaxLength(500)
  @Matches(BASE_URL, { message: 'must be an http(s) URL without query or fragment' })
  baseUrl!: string;
}

export class UpdatePartnerDto {
  @ApiPropertyOptional({ minLength: 1, maxLength: 200 })
  @IsOptional()
  @IsString()
  @Length(1, 200)
  name?: string;

  @ApiPropertyOptional({ maxLength: 200 })
  @IsOptional()
  @IsString()
  @Length(1, 200)
  contactName?: string;

  @ApiPropertyOptional({ maxLength: 254 })
  @IsOptional()
  @IsEmail({ require_tld: false }, { message: 'must be an email address' })
  @MaxLength(254)
  contactEmail?: string;

  @ApiPropertyOptional({ maxLength: 500 })
  @IsOptional()
  @IsString()
  @MaxLength(500)
  @Matches(BASE_URL, { message: 'must be an http(s) URL without query or fragment' })
  baseUrl?: string;
}

export class CreateAgreementDto {
  @ApiProperty({ minLength: 1, maxLength: 200 })
  @IsString()
  @Length(1, 200)
  name!: string;

  @ApiProperty({ enum: AGREEMENT_PURPOSES, isArray: true, minItems: 1, maxItems: 2 })
  @IsArray()
  @ArrayMinSize(1)
  @ArrayMaxSize(AGREEMENT_PURPOSES.length)
  @ArrayUnique()
  @IsIn(AGREEMENT_PURPOSES, { each: true, message: `each must be one of ${AGREEMENT_PURPOSES.join(', ')}` })
  purposes!: string[];

  @ApiProperty({
    enum: SHAREABLE_FIELDS,
    isArray: true,
    minItems: 1,
    maxItems: 5,
    description: 'What may be shared; at least emailHash or phoneHash. Nothing else exists: no names, no free text.',
  })
  @IsArray()
  @ArrayMinSize(1)
  @ArrayMaxSize(SHAREABLE_FIELDS.length)
  @ArrayUnique()
  @IsIn(SHAREABLE_FIELDS, { each: true, message: `each must be one of ${SHAREABLE_FIELDS.join(', ')}` })
  fields!: string[];

  @ApiPropertyOptional({ format: 'date-time', description: 'Start of validity; now if absent' })
  @IsOptional()
  @IsDateString({ strict: true }, { message: 'must be an ISO 8601 date-time' })
  validFrom?: string;

  @ApiProperty({ format: 'date-time', description: 'End of validity (exclusive)' })
  @IsDateString({ strict: true }, { message: 'must be an ISO 8601 date-time' })
  validUntil!: string;

  @ApiPropertyOptional({
    minimum: 2,
    maximum: 1_000_000,
    default: 25,
    description: 'k-anonymity threshold: fewer consented or matched contacts than this, and nothing is shared',
  })
  @IsOptional()
  @Type(() => Number)
  @IsInt({ message: 'must be a whole number from 2 to 1000000' })
  @Min(2, { message: 'must be a whole number from 2 to 1000000' })
  @Max(1_000_000, { message: 'must be a whole number from 2 to 1000000' })
  minAudienceSize?: number;

  @ApiPropertyOptional({
    format: 'uuid',
    description: "The partner's agreement exchange id, when the partner created the agreement first",
  })
  @IsOptional()
  @IsUUID('all', { message: 'must be a UUID' })
  exchangeId?: string;

  @ApiPropertyOptional({
    minLength: 43,
    maxLength: 43,
    description: "The partner's shared key (with exchangeId); absent, a new one is made and answered once",
  })
  @IsOptional()
  @IsString()
  @Matches(/^[A-Za-z0-9_-]{43}$/, { message: 'must be the 43-character base64url key the partner gave' })
  sharedKey?: string;
}

export class UpdateAgreementDto {
  @ApiPropertyOptional({ minLength: 1, maxLength: 200 })
  @IsOptional()
  @IsString()
  @Length(1, 200)
  name?: string;

  @ApiPropertyOptional({ format: 'date-time' })
  @IsOptional()
  @IsDateString({ strict: true }, { message: 'must be an ISO 8601 date-time' })
  validUntil?: string;

  @ApiPropertyOptional({ minimum: 2, maximum: 1_000_000 })
  @IsOptional()
  @Type(() => Number)
  @IsInt({ message: 'must be a whole number from 2 to 1000000' })
  @Min(2, { message: 'must be a whole number from 2 to 1000000' })
  @Max(1_000_000, { message: 'must be a whole number from 2 to 1000000' })
  minAudienceSize?: number;

  @ApiPropertyOptional({
    enum: SHAREABLE_FIELDS,
    isArray: true,
    minItems: 1,
    maxItems: SHAREABLE_FIELDS.length,
    description: 'Only while the agreement is a draft',
  })
  @IsOptional()
  @IsArray()
  @ArrayMinSize(1)
  @ArrayMaxSize(SHAREABLE_FIELDS.length)
  @ArrayUnique()
  @IsIn(SHAREABLE_FIELDS, { each: true, message: `each must be one of ${SHAREABLE_FIELDS.join(', ')}` })
  fields?: string[];

  @ApiPropertyOptional({
    enum: AGREEMENT_PURPOSES,
    isArray: true,
    minItems: 1,
    maxItems: AGREEMENT_PURPOSES.length,
    description: 'Only while the agreement is a draft',
  })
  @IsOptional()
  @IsArray()
  @ArrayMinSize(1)
  @ArrayMaxSize(AGREEMENT_PURPOSES.length)
  @ArrayUnique()
  @IsIn(AGREEMENT_PURPOSES, { each: true, message: `each must be one of ${AGREEMENT_PURPOSES.join(', ')}` })
  purposes?: string[];

  @ApiPropertyOptional({ description: 'The version read; If-Match instead' })
  @IsOptional()
  @Type(() => Number)
  @IsInt()
  @Min(1)
  version?: number;
}

export class AgreementActionParams {
  @ApiProperty({ format: 'uuid' })
  @IsUUID('all', { message: 'must be a UUID' })
  id!: string;

  @ApiProperty({ enum: ['activate', 'suspend', 'terminate'] })
  @IsIn(['activate', 'suspend', 'terminate'], { message: 'must be activate, suspend or terminate' })
  action!: 'activate' | 'suspend' | 'terminate';
}

export class SegmentShareDto {
  @ApiProperty({ format: 'uuid', description: 'The segment whose consented members are matched or shared' })
  @IsUUID('all', { message: 'must be a UUID' })
  segmentId!: string;
}

export class CreateShareDto extends SegmentShareDto {
  @ApiPropertyOptional({
    format: 'date-time',
    description: "When the partner must delete what it received; default 90 days, never past the agreement's end",
  })
  @IsOptional()
  @IsDateString({ strict: true }, { message: 'must be an ISO 8601 date-time' })
  expiresAt?: string;
}

export class CreateFileExportDto extends CreateShareDto {
  @ApiPropertyOptional({ enum: ['csv', 'jsonl'], default: 'csv', description: 'CSV with a header, or JSON lines' })
  @IsOptional()
  @IsIn(['csv', 'jsonl'], { message: 'must be csv or jsonl' })
  encoding?: 'csv' | 'jsonl';
}

export class AuditQueryDto {
  @ApiProperty({ format: 'uuid', description: 'A partner or agreement' })
  @IsUUID('all', { message: 'must be a UUID' })
  entityId!: string;
}

export class ShareLogQueryDto extends PageQueryDto {
  @ApiPropertyOptional({ format: 'uuid' })
  @IsOptional()
  @IsUUID('all', { message: 'must be a UUID' })
  agreementId?: string;

  @ApiPropertyOptional({ format: 'uuid' })
  @IsOptional()
  @IsUUID('all', { message: 'must be a UUID' })
  partnerId?: string;
}
