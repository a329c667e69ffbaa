import { ApiProperty } from '@nestjs/swagger';
import { MARKETING_CHANNELS } from '@crm/contracts';

const MESSAGE_STATUSES = ['pending', 'sending', 'sent', 'skipped', 'failed', 'delivered', 'bounced'];
const WINNER_METRICS = ['opened', 'clicked', 'converted'];
const TOUCHPOINT_KINDS = ['sent', 'delivered', 'opened', 'clicked', 'converted', 'bounced'];
const COUNT = { type: 'integer', minimum: 0 } as const;

export class CampaignCountsDto {
  @ApiProperty({ minimum: 0, format: 'int32', description: 'Messages queued in all (every status)' })
  queued!: number;
  @ApiProperty({ minimum: 0, format: 'int32' }) pending!: number;
  @ApiProperty({ minimum: 0, format: 'int32' }) sending!: number;
  @ApiProperty({ minimum: 0, format: 'int32', description: 'Sent, delivered and bounced ones included' })
  sent!: number;
  @ApiProperty({ minimum: 0, format: 'int32' }) skipped!: number;
  @ApiProperty({ minimum: 0, format: 'int32' }) failed!: number;
  @ApiProperty({ minimum: 0, format: 'int32' }) delivered!: number;
  @ApiProperty({ minimum: 0, format: 'int32' }) bounced!: number;
  @ApiProperty({
    type: 'object',
    additionalProperties: COUNT,
    description: 'Skipped messages by reason (no_consent, do_not_contact, frequency_cap, quiet_hours, ...)',
  })
  skippedBy!: Record<string, number>;
}

export class CampaignViewDto {
  @ApiProperty({ format: 'uuid' }) id!: string;
  @ApiProperty({ maxLength: 200 }) name!: string;
  @ApiProperty({ enum: MARKETING_CHANNELS }) channel!: string;
  @ApiProperty({ enum: ['draft', 'scheduled', 'sending', 'paused', 'done', 'cancelled'] }) status!: string;
  @ApiProperty({ format: 'uuid' }) templateId!: string;
  @ApiProperty({ type: String, nullable: true, format: 'uuid', description: 'Variant B of an A/B split' })
  templateBId!: string | null;
  @ApiProperty({ minimum: 0, maximum: 100, format: 'int32' }) splitBPercent!: number;
  @ApiProperty({ type: String, nullable: true, enum: WINNER_METRICS }) winnerMetric!: string | null;
  @ApiProperty({ type: [String], format: 'uuid', maxItems: 20 }) segmentIds!: string[];
  @ApiProperty({ type: [String], format: 'uuid', maxItems: 20 }) excludeSegmentIds!: string[];
  @ApiProperty({ type: [String], format: 'uuid', maxItems: 1000 }) contactIds!: string[];
  @ApiProperty({ type: String, nullable: true, format: 'date-time' }) sendAt!: string | null;
  @ApiProperty({ type: Number, nullable: true, format: 'int32', minimum: 1, maximum: 1_000_000 })
  throttlePerMinute!: number | null;
  @ApiProperty({ type: Number, nullable: true, format: 'int64', minimum: 0, description: 'Minor units' })
  costMinor!: number | null;
  @ApiProperty({ type: String, nullable: true, minLength: 3, maxLength: 3 }) currency!: string | null;
  @ApiProperty({ type: String, nullable: true, format: 'uuid' }) promotionId!: string | null;
  @ApiProperty({ type: String, nullable: true, maxLength: 100 }) utmSource!: string | null;
  @ApiProperty({ type: String, nullable: true, maxLength: 100 }) utmMedium!: string | null;
  @ApiProperty({ type: String, nullable: true, maxLength: 100 }) utmCampaign!: string | null;
  @ApiProperty({ minimum: 1, format: 'int32' }) version!: number;
  @ApiProperty({ type: String, nullable: true, format: 'date-time' }) startedAt!: string | null;
  @ApiProperty({ type: String, nullable: true, format: 'date-time' }) completedAt!: string | null;
  @ApiProperty({ type: CampaignCountsDto }) counts!: CampaignCountsDto;
  @ApiProperty({ format: 'date-time' }) createdAt!: string;
  @ApiProperty({ format: 'date-time' }) updatedAt!: string;
}

export class CampaignMessageDto {
  @ApiProperty({ format: 'uuid' }) id!: string;
  @ApiProperty({ format: 'uuid' }) contactId!: string;
  @ApiProperty({ enum: ['A', 'B'] }) variant!: string;
  @ApiProperty({ enum: MESSAGE_STATUSES }) status!: string;
  @ApiProperty({
    type: String,
    nullable: true,
    maxLength: 300,
    description: "A skip reason (no_consent, frequency_cap, ...) or a failure's provider error",
  })
  reason!: string | null;
  @ApiProperty({ type: String, nullable: true, format: 'date-time' }) sentAt!: string | null;
  @ApiProperty({ type: String, nullable: true, maxLength: 64 }) couponCode!: string | null;
}

export class CampaignReportDto {
  @ApiProperty({ format: 'uuid' }) campaignId!: string;
  @ApiProperty({
    type: 'object',
    additionalProperties: COUNT,
    description: `Distinct touchpoints by kind (${TOUCHPOINT_KINDS.join(', ')})`,
  })
  touchpoints!: Record<string, number>;
  @ApiProperty({
    type: 'object',
    additionalProperties: { type: 'object', additionalProperties: COUNT },
    description: 'Variant (A, B) -> kind -> count',
  })
  variants!: Record<string, Record<string, number>>;
  @ApiProperty({ type: String, nullable: true, enum: ['A', 'B'], description: 'null without a split or on a tie' })
  winner!: string | null;
  @ApiProperty({ type: String, nullable: true, enum: WINNER_METRICS }) winnerMetric!: string | null;
  @ApiProperty({ format: 'int64', minimum: 0, description: 'Revenue of converted orders, minor units' })
  revenueMinor!: number;
  @ApiProperty({ type: Number, nullable: true, format: 'int64', minimum: 0 }) costMinor!: number | null;
  @ApiProperty({ type: Number, nullable: true, description: '(revenue - cost) / cost; null without a cost' })
  roi!: number | null;
}

export class SendRuleViewDto {
  @ApiProperty({ enum: MARKETING_CHANNELS }) channel!: string;
  @ApiProperty({ minimum: 0, maximum: 1000, format: 'int32' }) maxMessages!: number;
  @ApiProperty({ minimum: 1, maximum: 8760, format: 'int32' }) periodHours!: number;
  @ApiProperty({ type: Number, nullable: true, minimum: 0, maximum: 23, format: 'int32' }) quietStart!: number | null;
  @ApiProperty({ type: Number, nullable: true, minimum: 0, maximum: 23, format: 'int32' }) quietEnd!: number | null;
}

export class SendRulesDto {
  @ApiProperty({ type: [SendRuleViewDto], maxItems: MARKETING_CHANNELS.length }) items!: SendRuleViewDto[];
}

export class DoNotContactViewDto {
  @ApiProperty({ format: 'uuid' }) contactId!: string;
  @ApiProperty({ maxLength: 500 }) reason!: string;
}

export class DeliveryViewDto {
  @ApiProperty({ format: 'uuid' }) messageId!: string;
  @ApiProperty({
    enum: MESSAGE_STATUSES,
    description: "The message's status now: the reported one if it was sent, else it stays as it was",
  })
  status!: string;
}

export class TouchpointViewDto {
  @ApiProperty({ format: 'uuid' }) id!: string;
  @ApiProperty({ enum: TOUCHPOINT_KINDS }) kind!: string;
  @ApiProperty({ enum: MARKETING_CHANNELS }) channel!: string;
  @ApiProperty({ type: String, nullable: true, format: 'uuid' }) campaignId!: string | null;
  @ApiProperty({ type: String, nullable: true, format: 'uuid' }) messageId!: string | null;
  @ApiProperty({ type: String, nullable: true, maxLength: 100 }) utmSource!: string | null;
  @ApiProperty({ type: String, nullable: true, maxLength: 100 }) utmMedium!: string | null;
  @ApiProperty({ type: String, nullable: true, maxLength: 100 }) utmCampaign!: string | null;
  @ApiProperty({ type: String, nullable: true, maxLength: 4000, description: 'The destination of a click' })
  url!: string | null;
  @ApiProperty({ type: String, nullable: true, format: 'uuid', description: 'The order of a conversion' })
  orderId!: string | null;
  @ApiProperty({ format: 'date-time' }) occurredAt!: string;
}
