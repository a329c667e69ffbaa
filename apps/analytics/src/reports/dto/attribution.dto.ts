import { ApiProperty, type ApiPropertyOptions } from '@nestjs/swagger';
import { ATTRIBUTION_MODELS } from '../attribution.service';
import { COUNT, DAY, MAX_GROUPS, MINOR, UUID } from '../../shared/answer-schema';
import { TOUCH_KINDS } from './report-queries.dto';

const DAYS = { type: 'integer', format: 'int32', minimum: 1, maximum: 365 } as const;
const MODELS: ApiPropertyOptions = {
  type: 'array',
  items: { type: 'string', enum: [...ATTRIBUTION_MODELS] },
  maxItems: 5,
};

/** Attributed revenue (minor units) under each model. */
export class CreditsDto {
  @ApiProperty(MINOR) firstTouch!: number;
  @ApiProperty(MINOR) lastTouch!: number;
  @ApiProperty(MINOR) linear!: number;
  @ApiProperty(MINOR) positionBased!: number;
  @ApiProperty(MINOR) timeDecay!: number;
}

export class ChannelCreditsDto extends CreditsDto {
  @ApiProperty({ type: String, maxLength: 200 }) channel!: string;
}

export class CampaignCreditsDto extends CreditsDto {
  @ApiProperty({ type: String, maxLength: 200 }) channel!: string;
  @ApiProperty({ type: String, maxLength: 200, description: 'Campaign id, or the acquisition campaign as given' })
  campaign!: string;
  @ApiProperty({ type: String, maxLength: 200, description: "The campaign's name, else its id" }) name!: string;
  @ApiProperty(COUNT) conversions!: number;
}

export class AttributionDto {
  @ApiProperty({ enum: ['order', 'deal'] }) conversion!: string;
  @ApiProperty(DAY) from!: string;
  @ApiProperty(DAY) to!: string;
  @ApiProperty(DAYS) lookbackDays!: number;
  @ApiProperty(DAYS) halfLifeDays!: number;
  @ApiProperty({ type: 'array', items: { type: 'string', enum: [...TOUCH_KINDS] }, maxItems: 4 }) touches!: string[];
  @ApiProperty(MODELS) models!: string[];
  @ApiProperty(COUNT) conversions!: number;
  @ApiProperty(MINOR) revenueMinor!: number;
  @ApiProperty({ ...MINOR, description: 'Revenue of conversions without a touch in the window' })
  unattributedMinor!: number;
  @ApiProperty({ type: [ChannelCreditsDto], maxItems: MAX_GROUPS }) byChannel!: ChannelCreditsDto[];
  @ApiProperty({ type: [CampaignCreditsDto], maxItems: MAX_GROUPS }) byCampaign!: CampaignCreditsDto[];
}

/** (revenue - cost) / cost under each model; null without a cost. */
export class RoiRatiosDto {
  @ApiProperty({ type: Number, nullable: true }) firstTouch!: number | null;
  @ApiProperty({ type: Number, nullable: true }) lastTouch!: number | null;
  @ApiProperty({ type: Number, nullable: true }) linear!: number | null;
  @ApiProperty({ type: Number, nullable: true }) positionBased!: number | null;
  @ApiProperty({ type: Number, nullable: true }) timeDecay!: number | null;
}

export class CampaignRoiDto {
  @ApiProperty(UUID) campaignId!: string;
  @ApiProperty({ type: String, maxLength: 200 }) name!: string;
  @ApiProperty({ type: String, maxLength: 200 }) channel!: string;
  @ApiProperty({ ...MINOR, nullable: true }) costMinor!: number | null;
  @ApiProperty({ type: String, nullable: true, maxLength: 3 }) currency!: string | null;
  @ApiProperty({ type: CreditsDto }) revenueMinor!: CreditsDto;
  @ApiProperty({ type: RoiRatiosDto }) roi!: RoiRatiosDto;
}

export class RoiDto {
  @ApiProperty(DAY) from!: string;
  @ApiProperty(DAY) to!: string;
  @ApiProperty(MODELS) models!: string[];
  @ApiProperty({ type: [CampaignRoiDto], maxItems: MAX_GROUPS, description: 'Every campaign, by name' })
  campaigns!: CampaignRoiDto[];
}
