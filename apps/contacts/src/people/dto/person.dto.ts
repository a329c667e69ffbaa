import { ApiProperty, ApiPropertyOptional, PartialType } from '@nestjs/swagger';
import { Transform, Type } from 'class-transformer';
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
import { IsNotBlank, IsNotFutureDate } from '../../shared/validators';
import { LIFECYCLE_STAGES, type LifecycleStage } from '../person.entity';
import { ExternalIdDto } from '../../external-ids/external-ids';

export const SOURCE_CHANNELS = [
  'web',
  'referral',
  'social',
  'email',
  'event',
  'partner',
  'paid_search',
  'organic',
  'store',
  'phone',
  'other',
] as const;
export const SOCIAL_NETWORKS = [
  'linkedin',
  'x',
  'facebook',
  'instagram',
  'tiktok',
  'youtube',
  'mastodon',
  'other',
] as const;
export const PHONE_TYPES = ['mobile', 'work', 'home', 'other'] as const;
const TAG = /^[\p{L}\p{N}][\p{L}\p{N} _.:-]{0,49}$/u;

export class EmailDto {
  @ApiProperty({ example: 'ada@example.com', maxLength: 254, description: 'Trimmed and lower-cased when stored' })
  @Transform(({ value }: { value: unknown }) => (typeof value === 'string' ? value.trim() : value))
  @IsEmail({}, { message: 'must be an email address' })
  @MaxLength(254)
  address!: string;

  @ApiPropertyOptional({ description: 'The first email is primary when none is marked' })
  @IsOptional()
  @IsBoolean()
  primary?: boolean;
}

export class PhoneDto {
  @ApiProperty({
    example: '06 12 34 56 78',
    minLength: 3,
    maxLength: 32,
    description: "Stored in E.164; a national number is read in the contact's country",
  })
  @IsString()
  @Length(3, 32)
  number!: string;

  @ApiPropertyOptional({ enum: PHONE_TYPES, default: 'mobile' })
  @IsOptional()
  @IsIn(PHONE_TYPES)
  type?: string;

  @ApiPropertyOptional()
  @IsOptional()
  @IsBoolean()
  primary?: boolean;
}

export class AddressDto {
  @ApiPropertyOptional({ maxLength: 200 }) @IsOptional() @IsString() @MaxLength(200) line1?: string;
  @ApiPropertyOptional({ maxLength: 200 }) @IsOptional() @IsString() @MaxLength(200) line2?: string;
  @ApiPropertyOptional({ maxLength: 20 }) @IsOptional() @IsString() @MaxLength(20) postalCode?: string;
  @ApiPropertyOptional({ maxLength: 100 }) @IsOptional() @IsString() @MaxLength(100) city?: string;
  @ApiPropertyOptional({ maxLength: 100 }) @IsOptional() @IsString() @MaxLength(100) region?: string;
  @ApiPropertyOptional({ example: 'FR', minLength: 2, maxLength: 2 })
  @IsOptional()
  @IsISO31661Alpha2({ message: 'must be an ISO 3166-1 alpha-2 country code' })
  country?: string;
}

/** How the person heard of us. */
export class SourceDto {
  @ApiProperty({ enum: SOURCE_CHANNELS }) @IsIn(SOURCE_CHANNELS) channel!: string;
  @ApiPropertyOptional({ maxLength: 200 }) @IsOptional() @IsString() @MaxLength(200) campaign?: string;
  @ApiPropertyOptional({ maxLength: 200 }) @IsOptional() @IsString() @MaxLength(200) utmSource?: string;
  @ApiPropertyOptional({ maxLength: 200 }) @IsOptional() @IsString() @MaxLength(200) utmMedium?: string;
  @ApiPropertyOptional({ maxLength: 200 }) @IsOptional() @IsString() @MaxLength(200) utmCampaign?: string;
  @ApiPropertyOptional({ maxLength: 2000 })
  @IsOptional()
  @IsUrl({ require_tld: false })
  @MaxLength(2000)
  referrer?: string;

  @ApiPropertyOptional({ format: 'date-time', description: 'Defaults to the time the contact is created' })
  @IsOptional()
  @IsISO8601({ strict: true })
  firstTouchAt?: string;
}

export class SocialProfileDto {
  @ApiProperty({ enum: SOCIAL_NETWORKS }) @IsIn(SOCIAL_NETWORKS) network!: string;
  @ApiProperty({ maxLength: 100 }) @IsString() @Length(1, 100) handle!: string;
  @ApiPropertyOptional({ maxLength: 500 }) @IsOptional() @IsUrl() @MaxLength(500) url?: string;
}

export class CreatePersonDto {
  @ApiProperty({ minLength: 1, maxLength: 100, description: 'Trimmed; blank is refused' })
  @IsString()
  @Length(1, 100)
  @IsNotBlank()
  firstName!: string;

  @ApiProperty({ minLength: 1, maxLength: 100, description: 'Trimmed; blank is refused' })
  @IsString()
  @Length(1, 100)
  @IsNotBlank()
  lastName!: string;

  @ApiPropertyOptional({ type: () => [EmailDto], maxItems: 10, description: 'Each unique among active contacts' })
  @IsOptional()
  @IsArray()
  @ArrayMaxSize(10)
  @ValidateNested({ each: true })
  @Type(() => EmailDto)
  emails?: EmailDto[];

  @ApiPropertyOptional({ type: () => [PhoneDto], maxItems: 10 })
  @IsOptional()
  @IsArray()
  @ArrayMaxSize(10)
  @ValidateNested({ each: true })
  @Type(() => PhoneDto)
  phones?: PhoneDto[];

  @ApiPropertyOptional({ enum: LIFECYCLE_STAGES, default: 'lead' })
  @IsOptional()
  @IsIn(LIFECYCLE_STAGES)
  lifecycleStage?: LifecycleStage;

  @ApiPropertyOptional({ format: 'date', example: '1990-12-31', description: 'Not in the future' })
  @IsOptional()
  @Matches(/^\d{4}-\d{2}-\d{2}$/, { message: 'must be a date YYYY-MM-DD' })
  @IsISO8601({ strict: true })
  @IsNotFutureDate()
  birthDate?: string;

  @ApiPropertyOptional({ example: 'FR', minLength: 2, maxLength: 2, description: 'ISO 3166-1 alpha-2' })
  @IsOptional()
  @IsISO31661Alpha2({ message: 'must be an ISO 3166-1 alpha-2 country code' })
  country?: string;

  @ApiPropertyOptional({ maxLength: 100 }) @IsOptional() @IsString() @MaxLength(100) region?: string;
  @ApiPropertyOptional({ maxLength: 100 }) @IsOptional() @IsString() @MaxLength(100) city?: string;
  @ApiPropertyOptional({ example: 'fr-FR', maxLength: 35, description: 'BCP 47 language tag' })
  @IsOptional()
  @MaxLength(35)
  @IsLocale()
  locale?: string;
  @ApiPropertyOptional({ maxLength: 100 }) @IsOptional() @IsString() @MaxLength(100) occupation?: string;
  @ApiPropertyOptional({ type: () => AddressDto })
  @IsOptional()
  @IsObject({ message: 'must be an object' })
  @ValidateNested()
  @Type(() => AddressDto)
  address?: AddressDto;
  @ApiPropertyOptional({ maxLength: 100, description: 'The user who owns the relationship' })
  @IsOptional()
  @IsString()
  @MaxLength(100)
  ownerId?: string;
  @ApiPropertyOptional({ format: 'uuid', description: 'Links the person to this account as primary' })
  @IsOptional()
  @IsUUID()
  accountId?: string;

  @ApiPropertyOptional({ type: [String], maxItems: 50, minLength: 1, maxLength: 50 })
  @IsOptional()
  @IsArray()
  @ArrayMaxSize(50)
  @IsString({ each: true })
  @Matches(TAG, { each: true, message: 'each tag must be 1-50 letters, digits, spaces or _.:-' })
  tags?: string[];

  @ApiPropertyOptional({
    type: 'object',
    additionalProperties: true,
    description: 'Values checked against /custom-fields definitions',
  })
  @IsOptional()
  @IsObject()
  customFields?: Record<string, unknown>;

  @ApiPropertyOptional({ type: () => SourceDto })
  @IsOptional()
  @ValidateNested()
  @Type(() => SourceDto)
  source?: SourceDto;

  @ApiPropertyOptional({ type: () => [SocialProfileDto], maxItems: 10 })
  @IsOptional()
  @IsArray()
  @ArrayMaxSize(10)
  @ValidateNested({ each: true })
  @Type(() => SocialProfileDto)
  socialProfiles?: SocialProfileDto[];

  @ApiPropertyOptional({
    type: () => [ExternalIdDto],
    maxItems: 20,
    description: 'Ids in other systems, unique per source among active contacts; a PATCH replaces them all',
  })
  @IsOptional()
  @IsArray()
  @ArrayMaxSize(20)
  @ValidateNested({ each: true })
  @Type(() => ExternalIdDto)
  externalIds?: ExternalIdDto[];
}

/** Fields a PATCH may clear with null; the others must be left out or given a value. */
export const CLEARABLE_PERSON_FIELDS = [
  'birthDate',
  'country',
  'region',
  'city',
  'locale',
  'occupation',
  'address',
  'ownerId',
] as const;

export class UpdatePersonDto extends PartialType(CreatePersonDto) {
  @ApiPropertyOptional({ description: 'The version last read; a mismatch is refused with 412 (or send If-Match)' })
  @IsOptional()
  @IsInt()
  @Min(1)
  version?: number;
}

export class ContactIdParams {
  @ApiProperty({ format: 'uuid' }) @IsUUID(undefined, { message: 'must be a UUID' }) id!: string;
}
