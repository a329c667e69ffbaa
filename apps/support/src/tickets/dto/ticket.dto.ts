import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import { Type } from 'class-transformer';
import {
  ArrayMaxSize,
  IsArray,
  IsBoolean,
  IsEmail,
  IsIn,
  IsInt,
  Max,
  Min,
  IsISO8601,
  IsOptional,
  IsString,
  IsUrl,
  IsUUID,
  Length,
  MaxLength,
  ValidateNested,
} from 'class-validator';
import {
  SUPPORT_CHANNELS,
  SUPPORT_TICKET_PRIORITIES,
  SUPPORT_TICKET_STATUSES,
  type SupportChannel,
  type SupportTicketPriority,
  type SupportTicketStatus,
} from '@crm/contracts';
import { PageQueryDto } from '@crm/platform';
import { IsCustomFields, IsGivenOnce, IsNotBlank } from '../../shared/validators';

const UUID = { message: 'must be a UUID' };

export class CreateTicketDto {
  @ApiProperty({ minLength: 1, maxLength: 300 }) @IsString() @Length(1, 300) @IsNotBlank() subject!: string;
  @ApiPropertyOptional({ maxLength: 20000 }) @IsOptional() @IsString() @MaxLength(20000) description?: string;
  @ApiPropertyOptional({ format: 'uuid', description: 'The contact asking' })
  @IsOptional()
  @IsUUID(undefined, UUID)
  requesterId?: string;
  @ApiPropertyOptional({ maxLength: 200 }) @IsOptional() @IsString() @MaxLength(200) requesterName?: string;
  @ApiPropertyOptional({ maxLength: 254 })
  @IsOptional()
  @IsEmail({}, { message: 'must be an email address' })
  @MaxLength(254)
  requesterEmail?: string;
  @ApiPropertyOptional({ format: 'uuid' }) @IsOptional() @IsUUID(undefined, UUID) accountId?: string;
  @ApiPropertyOptional({ maxLength: 50, description: 'Account tier an SLA policy may be specific to' })
  @IsOptional()
  @IsString()
  @MaxLength(50)
  accountTier?: string;
  @ApiPropertyOptional({ enum: SUPPORT_TICKET_PRIORITIES, default: 'normal' })
  @IsOptional()
  @IsIn(SUPPORT_TICKET_PRIORITIES)
  priority?: SupportTicketPriority;
  @ApiPropertyOptional({ enum: SUPPORT_CHANNELS, default: 'web' })
  @IsOptional()
  @IsIn(SUPPORT_CHANNELS)
  channel?: SupportChannel;
  @ApiPropertyOptional({ maxLength: 50, example: 'question' }) @IsOptional() @IsString() @MaxLength(50) type?: string;
  @ApiPropertyOptional({ type: [String], maxItems: 20, items: { type: 'string', minLength: 1, maxLength: 50 } })
  @IsOptional()
  @IsArray()
  @ArrayMaxSize(20)
  @IsString({ each: true })
  @Length(1, 50, { each: true })
  tags?: string[];
  @ApiPropertyOptional({ type: 'object', additionalProperties: true })
  @IsOptional()
  @IsCustomFields()
  customFields?: Record<string, string | number | boolean | null>;
  @ApiPropertyOptional({ format: 'uuid', description: "One of the requester's assets" })
  @IsOptional()
  @IsUUID(undefined, UUID)
  assetId?: string;
  @ApiPropertyOptional({ format: 'uuid' }) @IsOptional() @IsUUID(undefined, UUID) teamId?: string;
  @ApiPropertyOptional({ format: 'uuid', description: 'Assign to this agent (a member of the team)' })
  @IsOptional()
  @IsUUID(undefined, UUID)
  assigneeId?: string;
  @ApiPropertyOptional({
    format: 'date-time',
    description: 'Imported tickets: when it was really opened (not in the future); SLA clocks count from it',
  })
  @IsOptional()
  @IsISO8601({ strict: true }, { message: 'must be an ISO 8601 date-time' })
  openedAt?: string;
}

export class UpdateTicketDto {
  @ApiPropertyOptional({ minLength: 1, maxLength: 300 })
  @IsOptional()
  @IsString()
  @Length(1, 300)
  @IsNotBlank()
  subject?: string;
  @ApiPropertyOptional({ enum: SUPPORT_TICKET_PRIORITIES })
  @IsOptional()
  @IsIn(SUPPORT_TICKET_PRIORITIES)
  priority?: SupportTicketPriority;
  @ApiPropertyOptional({ maxLength: 50 }) @IsOptional() @IsString() @MaxLength(50) type?: string;
  @ApiPropertyOptional({ type: [String], maxItems: 20, items: { type: 'string', minLength: 1, maxLength: 50 } })
  @IsOptional()
  @IsArray()
  @ArrayMaxSize(20)
  @IsString({ each: true })
  @Length(1, 50, { each: true })
  tags?: string[];
  @ApiPropertyOptional({ type: 'object', additionalProperties: true })
  @IsOptional()
  @IsCustomFields()
  customFields?: Record<string, string | number | boolean | null>;
  @ApiPropertyOptional({ format: 'uuid', nullable: true })
  @IsOptional()
  @IsUUID(undefined, UUID)
  assetId?: string | null;
  @ApiPropertyOptional({ format: 'uuid' }) @IsOptional() @IsUUID(undefined, UUID) teamId?: string;
}

export class ChangeStatusDto {
  @ApiProperty({ enum: SUPPORT_TICKET_STATUSES }) @IsIn(SUPPORT_TICKET_STATUSES) status!: SupportTicketStatus;
}

export class AttachmentDto {
  @ApiProperty({ format: 'uuid', description: 'A document in the documents service' })
  @IsUUID(undefined, UUID)
  documentId!: string;
  @ApiPropertyOptional({ maxLength: 200 }) @IsOptional() @IsString() @MaxLength(200) name?: string;
  @ApiPropertyOptional({ maxLength: 2000 })
  @IsOptional()
  @IsUrl({ require_tld: false }, { message: 'must be a URL' })
  @MaxLength(2000)
  url?: string;
}

export class AddMessageDto {
  @ApiProperty({ minLength: 1, maxLength: 50000 }) @IsString() @Length(1, 50000) @IsNotBlank() body!: string;
  @ApiPropertyOptional({ description: 'An internal note: never shown to or mailed to the customer', default: false })
  @IsOptional()
  @IsBoolean()
  internal?: boolean;
  @ApiPropertyOptional({ enum: ['agent', 'customer'], default: 'agent' })
  @IsOptional()
  @IsIn(['agent', 'customer'])
  authorType?: 'agent' | 'customer';
  @ApiPropertyOptional({ type: [AttachmentDto], maxItems: 20 })
  @IsOptional()
  @IsArray()
  @ArrayMaxSize(20)
  @ValidateNested({ each: true })
  @Type(() => AttachmentDto)
  attachments?: AttachmentDto[];
}

export class AssignDto {
  @ApiPropertyOptional({ format: 'uuid', description: 'The agent; leave out for round-robin in the team' })
  @IsOptional()
  @IsUUID(undefined, UUID)
  agentId?: string;
  @ApiPropertyOptional({ format: 'uuid', description: 'Move to this team first' })
  @IsOptional()
  @IsUUID(undefined, UUID)
  teamId?: string;
}

export class MergeDto {
  @ApiProperty({ format: 'uuid', description: 'The ticket that stays' })
  @IsUUID(undefined, UUID)
  targetId!: string;
}

export const QUEUE_VIEWS = ['all', 'mine', 'team', 'unassigned', 'breaching-soon'] as const;
export type QueueView = (typeof QUEUE_VIEWS)[number];

export class TicketQueueQuery extends PageQueryDto {
  @ApiPropertyOptional({ enum: QUEUE_VIEWS, default: 'all' })
  @IsOptional()
  @IsGivenOnce()
  @IsIn(QUEUE_VIEWS)
  view?: QueueView;
  @ApiPropertyOptional({ format: 'uuid' }) @IsOptional() @IsGivenOnce() @IsUUID(undefined, UUID) teamId?: string;
  @ApiPropertyOptional({ format: 'uuid' }) @IsOptional() @IsGivenOnce() @IsUUID(undefined, UUID) assigneeId?: string;
  @ApiPropertyOptional({ format: 'uuid' }) @IsOptional() @IsGivenOnce() @IsUUID(undefined, UUID) requesterId?: string;
  @ApiPropertyOptional({ format: 'uuid' }) @IsOptional() @IsGivenOnce() @IsUUID(undefined, UUID) assetId?: string;
  @ApiPropertyOptional({ enum: SUPPORT_TICKET_STATUSES, description: 'Default: the open statuses' })
  @IsOptional()
  @IsGivenOnce()
  @IsIn(SUPPORT_TICKET_STATUSES)
  status?: SupportTicketStatus;
  @ApiPropertyOptional({ enum: SUPPORT_TICKET_PRIORITIES })
  @IsOptional()
  @IsGivenOnce()
  @IsIn(SUPPORT_TICKET_PRIORITIES)
  priority?: SupportTicketPriority;
  @ApiPropertyOptional({ description: 'breaching-soon: clocks due within this many minutes (default 60)' })
  @IsOptional()
  @IsGivenOnce()
  @Type(() => Number)
  @IsInt({ message: 'must be a whole number from 1 to 10080' })
  @Min(1, { message: 'must be a whole number from 1 to 10080' })
  @Max(10080, { message: 'must be a whole number from 1 to 10080' })
  withinMinutes?: number;
}

export class TicketIdParams {
  @ApiProperty({ format: 'uuid' }) @IsUUID(undefined, UUID) id!: string;
}
