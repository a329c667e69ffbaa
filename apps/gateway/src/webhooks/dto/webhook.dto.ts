import { ApiProperty, ApiPropertyOptional, PartialType } from '@nestjs/swagger';
import {
  ArrayMaxSize,
  ArrayMinSize,
  IsArray,
  IsBoolean,
  IsIn,
  IsObject,
  IsOptional,
  IsString,
  IsUUID,
  Length,
  MaxLength,
} from 'class-validator';
import { PageQueryDto } from '@crm/platform';
import type { EventFilter } from '../webhook-rules';

export class CreateWebhookDto {
  @ApiProperty({
    example: 'https://erp.example.com/crm-events',
    maxLength: 2000,
    description:
      'Where events are POSTed; https, and not a loopback, private or link-local address nor one of the suite’s services unless WEBHOOK_ALLOWED_TARGETS names it',
  })
  @IsString()
  @Length(1, 2000)
  url!: string;

  @ApiProperty({
    type: [String],
    minItems: 1,
    maxItems: 50,
    items: { type: 'string', minLength: 1, maxLength: 200 },
    example: ['crm.sales.order.*', 'crm.*.erasure.completed'],
    description: 'Event type patterns: `*` is one segment (a lone `*` every event), a last `>` the rest',
  })
  @IsArray()
  @ArrayMinSize(1)
  @ArrayMaxSize(50)
  @IsString({ each: true })
  @Length(1, 200, { each: true })
  events!: string[];

  @ApiPropertyOptional({
    type: 'object',
    additionalProperties: true,
    example: { 'data.channel': ['web', 'phone'] },
    description:
      'Only events whose fields (dotted paths into the CloudEvent) equal the value, or one of the listed values',
  })
  @IsOptional()
  @IsObject()
  filter?: EventFilter;

  @ApiPropertyOptional({ maxLength: 500, example: 'orders to the ERP' })
  @IsOptional()
  @IsString()
  @MaxLength(500)
  description?: string;

  @ApiPropertyOptional({ default: true, description: 'false: created paused (deliveries wait until resumed)' })
  @IsOptional()
  @IsBoolean()
  active?: boolean;
}

export class UpdateWebhookDto extends PartialType(CreateWebhookDto) {
  @ApiPropertyOptional({
    enum: ['active', 'paused'],
    description: 'Pause (deliveries are kept and wait) or resume; a disabled webhook is resumed with active',
  })
  @IsOptional()
  @IsIn(['active', 'paused'])
  status?: 'active' | 'paused';
}

export class WebhookIdParams {
  @ApiProperty({ format: 'uuid' })
  @IsUUID()
  id!: string;
}

export class DeliveryIdParams extends WebhookIdParams {
  @ApiProperty({ format: 'uuid' })
  @IsUUID()
  deliveryId!: string;
}

export class DeliveriesQueryDto extends PageQueryDto {
  @ApiPropertyOptional({ enum: ['pending', 'delivered', 'dead'], description: 'dead: the dead letters, replayable' })
  @IsOptional()
  @IsIn(['pending', 'delivered', 'dead'])
  status?: 'pending' | 'delivered' | 'dead';
}

export class WebhookOwnerDto {
  @ApiProperty({ maxLength: 200 }) subject!: string;
  @ApiProperty({ enum: ['user', 'service', 'api-key'] }) kind!: string;
}

export class WebhookViewDto {
  @ApiProperty({ format: 'uuid' }) id!: string;
  @ApiProperty({ maxLength: 2000 }) url!: string;
  @ApiProperty({ type: [String], maxItems: 50, items: { type: 'string', maxLength: 200 } }) events!: string[];
  @ApiProperty({ type: 'object', additionalProperties: true }) filter!: EventFilter;
  @ApiProperty({ nullable: true, type: String, maxLength: 500 }) description!: string | null;
  @ApiProperty({ enum: ['active', 'paused', 'disabled'] }) status!: string;
  @ApiProperty({ nullable: true, type: String, maxLength: 1000, description: 'Why it was disabled' })
  statusReason!: string | null;
  @ApiProperty({ type: WebhookOwnerDto }) owner!: WebhookOwnerDto;
  @ApiProperty({ nullable: true, type: String, format: 'date-time' }) previousSecretValidUntil!: string | null;
  @ApiProperty({ nullable: true, type: String, format: 'date-time' }) lastSuccessAt!: string | null;
  @ApiProperty() version!: number;
  @ApiProperty({ format: 'date-time' }) createdAt!: string;
  @ApiProperty({ format: 'date-time' }) updatedAt!: string;
}

export class CreatedWebhookDto extends WebhookViewDto {
  @ApiProperty({ maxLength: 100, description: 'The signing secret, shown this once' }) secret!: string;
}

export class RotatedSecretDto {
  @ApiProperty({ maxLength: 100, description: 'The new signing secret, shown this once' }) secret!: string;
  @ApiProperty({
    nullable: true,
    type: String,
    format: 'date-time',
    description: 'Until then deliveries carry a second signature with the previous secret',
  })
  previousSecretValidUntil!: string | null;
  @ApiProperty() version!: number;
}

export class PingDto {
  @ApiProperty({ format: 'uuid' }) deliveryId!: string;
  @ApiProperty({ format: 'uuid' }) eventId!: string;
}

export class DeliveryViewDto {
  @ApiProperty({ format: 'uuid' }) id!: string;
  @ApiProperty({ maxLength: 200 }) eventId!: string;
  @ApiProperty({ maxLength: 200 }) eventType!: string;
  @ApiProperty({ maxLength: 200 }) subject!: string;
  @ApiProperty({ enum: ['pending', 'delivered', 'dead'] }) status!: string;
  @ApiProperty() attempts!: number;
  @ApiProperty({ nullable: true, type: String, format: 'date-time' }) nextAttemptAt!: string | null;
  @ApiProperty({ nullable: true, type: String, format: 'date-time' }) lastAttemptAt!: string | null;
  @ApiProperty({ nullable: true, type: Number }) lastStatus!: number | null;
  @ApiProperty({ nullable: true, type: String, maxLength: 500 }) lastError!: string | null;
  @ApiProperty({ nullable: true, type: Number }) lastLatencyMs!: number | null;
  @ApiProperty({
    nullable: true,
    type: String,
    maxLength: 65536,
    description: 'The first bytes of the receiver’s answer',
  })
  responseExcerpt!: string | null;
  @ApiProperty({ format: 'date-time' }) createdAt!: string;
  @ApiProperty({ nullable: true, type: String, format: 'date-time' }) deliveredAt!: string | null;
}
