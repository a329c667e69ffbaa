import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import { Type } from 'class-transformer';
import {
  ArrayMaxSize,
  IsArray,
  IsDateString,
  IsIn,
  IsInt,
  IsISO4217CurrencyCode,
  IsOptional,
  IsString,
  IsUUID,
  Length,
  Matches,
  Max,
  Min,
} from 'class-validator';
import { MARKETING_CHANNELS, type MarketingChannel } from '@crm/contracts';
import { PageQueryDto } from '@crm/platform';

const UTM = /^[A-Za-z0-9._~-]{1,100}$/;
const UTM_MESSAGE = 'must be 1 to 100 letters, digits, ".", "_", "~" or "-"';

export class CreateCampaignDto {
  @ApiProperty({ minLength: 1, maxLength: 200 })
  @IsString()
  @Length(1, 200)
  name!: string;

  @ApiProperty({ enum: MARKETING_CHANNELS })
  @IsIn(MARKETING_CHANNELS as string[])
  channel!: MarketingChannel;

  @ApiProperty({ format: 'uuid' })
  @IsUUID('all', { message: 'must be a UUID' })
  templateId!: string;

  @ApiPropertyOptional({ format: 'uuid', description: 'Variant B of an A/B split' })
  @IsOptional()
  @IsUUID('all', { message: 'must be a UUID' })
  templateBId?: string;

  @ApiPropertyOptional({ minimum: 0, maximum: 100, description: 'Share of the audience that gets variant B' })
  @IsOptional()
  @IsInt()
  @Min(0)
  @Max(100)
  splitBPercent?: number;

  @ApiPropertyOptional({ enum: ['opened', 'clicked', 'converted'] })
  @IsOptional()
  @IsIn(['opened', 'clicked', 'converted'])
  winnerMetric?: string;

  @ApiPropertyOptional({ type: [String], format: 'uuid', maxItems: 20 })
  @IsOptional()
  @IsArray()
  @ArrayMaxSize(20)
  @IsUUID('all', { each: true, message: 'each must be a UUID' })
  segmentIds?: string[];

  @ApiPropertyOptional({ type: [String], format: 'uuid', maxItems: 20 })
  @IsOptional()
  @IsArray()
  @ArrayMaxSize(20)
  @IsUUID('all', { each: true, message: 'each must be a UUID' })
  excludeSegmentIds?: string[];

  @ApiPropertyOptional({
    type: [String],
    format: 'uuid',
    maxItems: 1000,
    description: 'Named contacts (a personal offer)',
  })
  @IsOptional()
  @IsArray()
  @ArrayMaxSize(1000)
  @IsUUID('all', { each: true, message: 'each must be a UUID' })
  contactIds?: string[];

  @ApiPropertyOptional({ minimum: 1, maximum: 1_000_000, description: 'Messages per minute at most' })
  @IsOptional()
  @IsInt()
  @Min(1)
  @Max(1_000_000)
  throttlePerMinute?: number;

  @ApiPropertyOptional({ minimum: 0, description: 'Cost in minor units, for ROI' })
  @IsOptional()
  @IsInt()
  @Min(0)
  @Max(Number.MAX_SAFE_INTEGER)
  costMinor?: number;

  @ApiPropertyOptional({ example: 'EUR', minLength: 3, maxLength: 3 })
  @IsOptional()
  @IsISO4217CurrencyCode({ message: 'must be an ISO 4217 currency code' })
  currency?: string;

  @ApiPropertyOptional({ format: 'uuid', description: 'Promotion whose coupon each message carries' })
  @IsOptional()
  @IsUUID('all', { message: 'must be a UUID' })
  promotionId?: string;

  @ApiPropertyOptional({ maxLength: 100 }) @IsOptional() @Matches(UTM, { message: UTM_MESSAGE }) utmSource?: string;
  @ApiPropertyOptional({ maxLength: 100 }) @IsOptional() @Matches(UTM, { message: UTM_MESSAGE }) utmMedium?: string;
  @ApiPropertyOptional({ maxLength: 100 }) @IsOptional() @Matches(UTM, { message: UTM_MESSAGE }) utmCampaign?: string;
}

export class ScheduleCampaignDto {
  @ApiPropertyOptional({ format: 'date-time', description: 'When to start; now if absent' })
  @IsOptional()
  @IsDateString({ strict: true }, { message: 'must be an ISO 8601 date-time' })
  sendAt?: string;
}

export class MessagesQuery extends PageQueryDto {
  @ApiPropertyOptional({ enum: ['pending', 'sending', 'sent', 'skipped', 'failed', 'delivered', 'bounced'] })
  @IsOptional()
  @IsIn(['pending', 'sending', 'sent', 'skipped', 'failed', 'delivered', 'bounced'])
  status?: string;
}

export class DeliveryWebhookDto {
  @ApiProperty({ format: 'uuid', description: 'The message id (X-Message-Id, or the reference given to the provider)' })
  @IsUUID('all', { message: 'must be a UUID' })
  messageId!: string;

  @ApiProperty({ enum: ['delivered', 'bounced'] })
  @IsIn(['delivered', 'bounced'])
  status!: 'delivered' | 'bounced';
}

export class SendRuleDto {
  @ApiProperty({ minimum: 0, maximum: 1000, description: 'Marketing messages per contact per period at most' })
  @Type(() => Number)
  @IsInt()
  @Min(0)
  @Max(1000)
  maxMessages!: number;

  @ApiProperty({ minimum: 1, maximum: 8760 })
  @Type(() => Number)
  @IsInt()
  @Min(1)
  @Max(8760)
  periodHours!: number;

  @ApiPropertyOptional({ minimum: 0, maximum: 23, description: 'Quiet hours start, contact local time' })
  @IsOptional()
  @IsInt()
  @Min(0)
  @Max(23)
  quietStart?: number;

  @ApiPropertyOptional({ minimum: 0, maximum: 23 })
  @IsOptional()
  @IsInt()
  @Min(0)
  @Max(23)
  quietEnd?: number;
}

export class ChannelParams {
  @ApiProperty({ enum: MARKETING_CHANNELS })
  @IsIn(MARKETING_CHANNELS as string[])
  channel!: string;
}

export class DoNotContactDto {
  @ApiProperty({ format: 'uuid' })
  @IsUUID('all', { message: 'must be a UUID' })
  contactId!: string;

  @ApiProperty({ minLength: 1, maxLength: 500 })
  @IsString()
  @Length(1, 500)
  reason!: string;
}
