import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import { SUPPORT_CHANNELS, SUPPORT_TICKET_PRIORITIES, SUPPORT_TICKET_STATUSES } from '@crm/contracts';
import { SLA_TARGETS } from '../../sla/sla-clocks';

/** A custom field's value: a string, a number, a boolean or null. */
export const CUSTOM_FIELDS_SCHEMA = {
  type: 'object',
  additionalProperties: { nullable: true, description: 'A string, number, boolean or null' },
} as const;

export class RequesterDto {
  @ApiProperty({ type: String, nullable: true, format: 'uuid', description: 'The contact' }) id!: string | null;
  // As given, as the mail said, or from support's copy of the contact (bounded by the contacts service).
  @ApiProperty({ type: String, nullable: true }) name!: string | null;
  @ApiProperty({ type: String, nullable: true }) email!: string | null;
}

export class SlaClockDto {
  @ApiProperty({ enum: SLA_TARGETS }) target!: string;
  @ApiProperty({ enum: ['running', 'paused', 'met', 'breached', 'cancelled'] }) state!: string;
  @ApiProperty({ type: 'integer', description: 'The target in business seconds' }) targetSeconds!: number;
  @ApiProperty({ type: String, nullable: true, format: 'date-time', description: 'null while paused or once met' })
  dueAt!: string | null;
  @ApiProperty({ type: 'integer', description: 'Business seconds left; negative once breached' })
  remainingSeconds!: number;
  @ApiProperty({ type: String, nullable: true, format: 'date-time' }) breachedAt!: string | null;
  @ApiProperty({ type: String, nullable: true, format: 'date-time' }) metAt!: string | null;
}

/** A ticket as lists show it (no SLA clocks). */
export class TicketSummaryDto {
  @ApiProperty({ format: 'uuid' }) id!: string;
  @ApiProperty({ type: 'integer', minimum: 1, description: 'The human ticket number (#123)' }) number!: number;
  @ApiProperty({ type: 'integer', minimum: 1, description: 'For If-Match' }) version!: number;
  @ApiProperty({ maxLength: 300 }) subject!: string;
  @ApiProperty({ maxLength: 20000 }) description!: string;
  @ApiProperty({ type: RequesterDto }) requester!: RequesterDto;
  @ApiProperty({ type: String, nullable: true, format: 'uuid' }) accountId!: string | null;
  @ApiProperty({ type: String, nullable: true, maxLength: 50 }) accountTier!: string | null;
  @ApiProperty({ enum: SUPPORT_TICKET_STATUSES }) status!: string;
  @ApiProperty({ enum: SUPPORT_TICKET_PRIORITIES }) priority!: string;
  @ApiProperty({ enum: SUPPORT_CHANNELS }) channel!: string;
  @ApiProperty({ type: String, nullable: true, maxLength: 50 }) type!: string | null;
  @ApiProperty({ type: [String], maxItems: 20, items: { type: 'string', maxLength: 50 } }) tags!: string[];
  @ApiProperty(CUSTOM_FIELDS_SCHEMA) customFields!: Record<string, unknown>;
  @ApiProperty({ type: String, nullable: true, format: 'uuid' }) assetId!: string | null;
  @ApiProperty({ type: String, nullable: true, format: 'uuid' }) teamId!: string | null;
  @ApiProperty({ type: String, nullable: true, format: 'uuid', description: 'The agent' }) assigneeId!: string | null;
  @ApiProperty({ type: String, nullable: true, format: 'uuid' }) slaPolicyId!: string | null;
  @ApiProperty({ type: String, nullable: true, format: 'uuid', description: 'The ticket this one was merged into' })
  mergedInto!: string | null;
  @ApiProperty({ format: 'date-time' }) createdAt!: string;
  @ApiProperty({ format: 'date-time' }) updatedAt!: string;
  @ApiProperty({ type: String, nullable: true, format: 'date-time' }) firstRespondedAt!: string | null;
  @ApiProperty({ type: String, nullable: true, format: 'date-time' }) solvedAt!: string | null;
  @ApiProperty({ type: String, nullable: true, format: 'date-time' }) closedAt!: string | null;
}

/** One ticket with its SLA clocks. */
export class TicketDto extends TicketSummaryDto {
  @ApiProperty({ type: [SlaClockDto], maxItems: 3, description: 'Per SLA target: due at, remaining, state' })
  sla!: SlaClockDto[];
}

/** A queue row; the breaching-soon view adds when its next clock is due. */
export class QueueTicketDto extends TicketSummaryDto {
  @ApiPropertyOptional({ format: 'date-time', description: 'breaching-soon view only: the next clock due' })
  dueAt?: string;
}

export class CsatLinkDto {
  @ApiProperty({ maxLength: 2000, description: 'The survey link for the customer (no login)' }) url!: string;
  @ApiProperty({ format: 'date-time' }) expiresAt!: string;
}

export class TicketStatusAnswerDto extends TicketDto {
  @ApiPropertyOptional({ type: CsatLinkDto, description: 'Only when this change solved it the first time' })
  csat?: CsatLinkDto;
}

export class AttachmentViewDto {
  @ApiProperty({ format: 'uuid', description: 'A document in the documents service' }) documentId!: string;
  @ApiPropertyOptional({ maxLength: 200 }) name?: string;
  @ApiPropertyOptional({ maxLength: 2000 }) url?: string;
}

export class MessageDto {
  @ApiProperty({ format: 'uuid' }) id!: string;
  @ApiProperty({ format: 'uuid' }) ticketId!: string;
  @ApiProperty({ enum: ['public', 'internal'] }) visibility!: string;
  @ApiProperty({ enum: ['agent', 'customer', 'system'] }) authorType!: string;
  @ApiProperty({ type: String, nullable: true, description: 'The agent, the contact or the login' })
  authorId!: string | null;
  @ApiProperty({ type: String, nullable: true }) authorName!: string | null;
  @ApiProperty({ maxLength: 50000 }) body!: string;
  @ApiProperty({ type: [AttachmentViewDto], maxItems: 20 }) attachments!: AttachmentViewDto[];
  @ApiProperty({ format: 'date-time' }) createdAt!: string;
}

export class AssignmentDto {
  @ApiProperty({ format: 'uuid' }) id!: string;
  @ApiProperty({ type: String, nullable: true, format: 'uuid' }) fromAgentId!: string | null;
  @ApiProperty({ type: String, nullable: true, format: 'uuid' }) toAgentId!: string | null;
  @ApiProperty({ type: String, nullable: true, format: 'uuid' }) teamId!: string | null;
  @ApiProperty({ enum: ['manual', 'round-robin'] }) mode!: string;
  @ApiProperty({ description: 'The login that assigned it' }) assignedBy!: string;
  @ApiProperty({ format: 'date-time' }) at!: string;
}

export class AssignmentsDto {
  @ApiProperty({ type: [AssignmentDto], description: 'Oldest first, every one' }) items!: AssignmentDto[];
}
