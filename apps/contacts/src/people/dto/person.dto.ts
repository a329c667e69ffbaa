import { ApiProperty, ApiPropertyOptional, PartialType } from '@nestjs/swagger';
import { Type } from 'class-transformer';
import {
  ArrayMaxSize,
  IsArray,
  IsBoolean,
  IsEmail,
  IsIn,
  IsInt,
  IsISO31661Alpha2,
  IsISO8601,
  IsLocale,
  IsObject,
  IsOptional,
  IsString,
  IsUrl,
  IsUUID,
  Length,
  Matches,
  MaxLength,
  Min,
  ValidateNested,
} from 'class-validator';
import { LIFECYCLE_STAGES, type LifecycleStage } from '../person.entity';

export const SOURCE_CHANNELS = ['web', 'referral', 'social', 'email', 'event', 'partner', 'paid_search', 'organic', 'store', 'phone', 'other'] as const;
export const SOCIAL_NETWORKS = ['linkedin', 'x', 'facebook', 'instagram', 'tiktok', 'youtube', 'mastodon', 'other'] as const;
export const PHONE_TYPES = ['mobile', 'work', 'home', 'other'] as const;

export class EmailDto {
  @IsEmail({}, { message: 'must be an email address' }) @MaxLength(254) address!: string;
  @IsOptional() @IsBoolean() primary?: boolean;
}

export class PhoneDto {
  @IsString() @Length(3, 32) number!: string;
  @IsOptional() @IsIn(PHONE_TYPES) type?: string;
  @IsOptional() @IsBoolean() primary?: boolean;
}

export class AddressDto {
  @IsOptional() @IsString() @MaxLength(200) line1?: string;
  @IsOptional() @IsString() @MaxLength(200) line2?: string;
  @IsOptional() @IsString() @MaxLength(20) postalCode?: string;
  @IsOptional() @IsString() @MaxLength(100) city?: string;
  @IsOptional() @IsString() @MaxLength(100) region?: string;
  @IsOptional() @IsISO31661Alpha2() country?: string;
}

export class SourceDto {
  @ApiProperty({ enum: SOURCE_CHANNELS }) @IsIn(SOURCE_CHANNELS) channel!: string;
  @IsOptional() @IsString() @MaxLength(200) campaign?: string;
  @IsOptional() @IsString() @MaxLength(200) utmSource?: string;
  @IsOptional() @IsString() @MaxLength(200) utmMedium?: string;
  @IsOptional() @IsString() @MaxLength(200) utmCampaign?: string;
  @IsOptional() @IsUrl({ require_tld: false }) @MaxLength(2000) referrer?: string;
  @IsOptional() @IsISO8601({ strict: true }) firstTouchAt?: string;
}

export class SocialProfileDto {
  @IsIn(SOCIAL_NETWORKS) network!: string;
  @IsString() @Length(1, 100) handle!: string;
  @IsOptional() @IsUrl() @MaxLength(500) url?: string;
}

export class CreatePersonDto {
  @IsString() @Length(1, 100) firstName!: string;
  @IsString() @Length(1, 100) lastName!: string;

  @ApiPropertyOptional({ type: [EmailDto] })
  @IsOptional() @IsArray() @ArrayMaxSize(10) @ValidateNested({ each: true }) @Type(() => EmailDto)
  emails?: EmailDto[];

  @ApiPropertyOptional({ type: [PhoneDto] })
  @IsOptional() @IsArray() @ArrayMaxSize(10) @ValidateNested({ each: true }) @Type(() => PhoneDto)
  phones?: PhoneDto[];

  @ApiPropertyOptional({ enum: LIFECYCLE_STAGES })
  @IsOptional() @IsIn(LIFECYCLE_STAGES) lifecycleStage?: LifecycleStage;

  @IsOptional() @Matches(/^\d{4}-\d{2}-\d{2}$/, { message: 'must be a date YYYY-MM-DD' }) @IsISO8601({ strict: true }) birthDate?: string;
  @IsOptional() @IsISO31661Alpha2({ message: 'must be an ISO 3166-1 alpha-2 country code' }) country?: string;
  @IsOptional() @IsString() @MaxLength(100) region?: string;
  @IsOptional() @IsString() @MaxLength(100) city?: string;
  @IsOptional() @IsLocale() locale?: string;
  @IsOptional() @IsString() @MaxLength(100) occupation?: string;
  @IsOptional() @ValidateNested() @Type(() => AddressDto) address?: AddressDto;
  @IsOptional() @IsString() @MaxLength(100) ownerId?: string;
  @IsOptional() @IsUUID() accountId?: string;

  @IsOptional() @IsArray() @ArrayMaxSize(50) @IsString({ each: true }) @Matches(/^[\p{L}\p{N}][\p{L}\p{N} _.:-]{0,49}$/u, { each: true, message: 'each tag must be 1-50 letters, digits, spaces or _.:-' })
  tags?: string[];

  @ApiPropertyOptional({ type: 'object', additionalProperties: true })
  @IsOptional() @IsObject() customFields?: Record<string, unknown>;

  @IsOptional() @ValidateNested() @Type(() => SourceDto) source?: SourceDto;

  @ApiPropertyOptional({ type: [SocialProfileDto] })
  @IsOptional() @IsArray() @ArrayMaxSize(10) @ValidateNested({ each: true }) @Type(() => SocialProfileDto)
  socialProfiles?: SocialProfileDto[];
}

export class UpdatePersonDto extends PartialType(CreatePersonDto) {
  /** The version the caller last read; a mismatch is refused (or use If-Match). */
  @IsOptional() @IsInt() @Min(1) version?: number;
}

export class ContactIdParams {
  @IsUUID() id!: string;
}
