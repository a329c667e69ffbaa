import { ApiProperty } from '@nestjs/swagger';
import { AGREEMENT_STATUSES } from '../agreement-status';
import { FIELDS_PROPERTY, PURPOSES_PROPERTY } from './partner-views.dto';

/** What matches, shares, the share log, the per-contact view and the DPO report answer. */

export const SHARE_KINDS = ['match', 'share', 'file'] as const;
export const SHARE_STATUSES = ['sending', 'delivered', 'refused', 'failed', 'counted', 'ready'] as const;
export const NOTICE_REASONS = ['consent_withdrawn', 'erased'] as const;
export const NOTICE_STATUSES = ['pending', 'delivered', 'failed'] as const;

const COUNT = { type: 'integer', minimum: 0, format: 'int32' } as const;

export class PartnerRefDto {
  @ApiProperty({ format: 'uuid' }) id!: string;
  @ApiProperty({ maxLength: 200 }) name!: string;
}

export class MatchViewDto {
  @ApiProperty({ format: 'uuid', description: 'The share log entry of this count' }) shareId!: string;
  @ApiProperty({ ...COUNT, description: "The segment's consented members" }) audience!: number;
  @ApiProperty({ ...COUNT, description: 'How many of them the partner holds too' }) matched!: number;
  @ApiProperty({ type: 'integer', minimum: 2, maximum: 1_000_000 }) minAudienceSize!: number;
  @ApiProperty({ description: 'matched reaches minAudienceSize: a share would go' }) shareable!: boolean;
}

export class ShareResultDto {
  @ApiProperty({ format: 'uuid' }) shareId!: string;
  @ApiProperty({ enum: ['delivered'] }) status!: string;
  @ApiProperty({ ...COUNT, description: 'Consented contacts sent' }) audience!: number;
  @ApiProperty({ ...COUNT, description: 'How many the partner matched to its own contacts and kept' })
  matched!: number;
  @ApiProperty({ format: 'date-time', description: 'When the partner must delete what it received' })
  expiresAt!: string;
  @ApiProperty({ type: String, nullable: true, format: 'uuid', description: "The partner audience's id on its side" })
  partnerAudienceId!: string | null;
}

export class ShareViewDto {
  @ApiProperty({ format: 'uuid' }) id!: string;
  @ApiProperty({ enum: SHARE_KINDS, description: 'A count (match), a share over HTTPS, or a signed file' })
  kind!: string;
  @ApiProperty({ format: 'uuid' }) agreementId!: string;
  @ApiProperty({ type: PartnerRefDto }) partner!: PartnerRefDto;
  @ApiProperty({ type: String, nullable: true, format: 'uuid' }) segmentId!: string | null;
  @ApiProperty({ ...FIELDS_PROPERTY, description: 'The fields that went (none for a match)' }) fields!: string[];
  @ApiProperty(PURPOSES_PROPERTY) purposes!: string[];
  @ApiProperty({ ...COUNT, description: 'Consented contacts in the share (for a match: whose hashes were counted)' })
  contacts!: number;
  @ApiProperty({ type: 'integer', nullable: true, minimum: 0, format: 'int32' }) matched!: number | null;
  @ApiProperty({ enum: SHARE_STATUSES }) status!: string;
  @ApiProperty({ type: String, nullable: true, maxLength: 500, description: 'Why it was refused or failed' })
  reason!: string | null;
  @ApiProperty({ type: String, nullable: true, format: 'date-time' }) expiresAt!: string | null;
  @ApiProperty({ description: 'Who asked for it (the token subject)' }) actor!: string;
  @ApiProperty({ format: 'date-time' }) at!: string;
  @ApiProperty({ type: String, nullable: true, format: 'date-time' }) completedAt!: string | null;
}

export class ContactShareDto {
  @ApiProperty({ format: 'uuid' }) shareId!: string;
  @ApiProperty({ type: PartnerRefDto }) partner!: PartnerRefDto;
  @ApiProperty({ format: 'uuid' }) agreementId!: string;
  @ApiProperty(FIELDS_PROPERTY) fields!: string[];
  @ApiProperty(PURPOSES_PROPERTY) purposes!: string[];
  @ApiProperty({ enum: SHARE_STATUSES }) status!: string;
  @ApiProperty({ format: 'date-time' }) sharedAt!: string;
  @ApiProperty({ type: String, nullable: true, format: 'date-time' }) expiresAt!: string | null;
}

export class ContactDeletionNoticeDto {
  @ApiProperty({ format: 'uuid' }) id!: string;
  @ApiProperty({ type: PartnerRefDto }) partner!: PartnerRefDto;
  @ApiProperty({ format: 'uuid' }) agreementId!: string;
  @ApiProperty({ enum: NOTICE_REASONS }) reason!: string;
  @ApiProperty({ type: 'array', items: { type: 'string', format: 'uuid' }, description: 'The shares it covers' })
  shareIds!: string[];
  @ApiProperty({ enum: NOTICE_STATUSES }) status!: string;
  @ApiProperty(COUNT) attempts!: number;
  @ApiProperty({ type: String, nullable: true, maxLength: 500 }) lastError!: string | null;
  @ApiProperty({
    type: 'integer',
    nullable: true,
    minimum: 0,
    format: 'int32',
    description: 'How many records the partner said it deleted (null for a file: the partner does not answer)',
  })
  partnerDeleted!: number | null;
  @ApiProperty({ format: 'date-time' }) createdAt!: string;
  @ApiProperty({
    type: String,
    nullable: true,
    format: 'date-time',
    description: 'For a file: when it was handed over',
  })
  deliveredAt!: string | null;
  @ApiProperty({
    enum: ['suite', 'file'],
    description:
      "Posted to the partner's suite (retried), or, when the partner got the contact only as files, handed over in a signed deletion file",
  })
  via!: string;
}

export class ContactSharesDto {
  @ApiProperty({ format: 'uuid' }) contactId!: string;
  @ApiProperty({ type: [ContactShareDto], description: 'Every share that carried the contact, oldest first' })
  shares!: ContactShareDto[];
  @ApiProperty({ type: [ContactDeletionNoticeDto], description: 'Every deletion notice sent for them, oldest first' })
  deletionNotices!: ContactDeletionNoticeDto[];
}

class ReportAgreementDto {
  @ApiProperty({ format: 'uuid' }) id!: string;
  @ApiProperty({ maxLength: 200 }) name!: string;
  @ApiProperty({ enum: AGREEMENT_STATUSES }) status!: string;
  @ApiProperty(PURPOSES_PROPERTY) purposes!: string[];
  @ApiProperty(FIELDS_PROPERTY) fields!: string[];
  @ApiProperty({ format: 'date-time' }) validUntil!: string;
}

class ReportSentDto {
  @ApiProperty({ ...COUNT, description: 'Shares and files made' }) shares!: number;
  @ApiProperty(COUNT) delivered!: number;
  @ApiProperty({ ...COUNT, description: 'Matches and shares refused (below k, or by the partner)' }) refused!: number;
  @ApiProperty(COUNT) failed!: number;
  @ApiProperty({ ...COUNT, description: 'Distinct contacts whose data went' }) contacts!: number;
  @ApiProperty({ type: String, nullable: true, format: 'date-time' }) lastSharedAt!: string | null;
}

class ReportNoticesDto {
  @ApiProperty(COUNT) pending!: number;
  @ApiProperty(COUNT) delivered!: number;
  @ApiProperty(COUNT) failed!: number;
  @ApiProperty({
    ...COUNT,
    description: 'Not delivered and owed by file (the partner got them only as files): POST .../deletion-files',
  })
  toHandOver!: number;
}

class ReportReceivedDto {
  @ApiProperty(COUNT) activeAudiences!: number;
  @ApiProperty({ ...COUNT, description: 'Own contacts held in audiences from this partner' }) membersHeld!: number;
  @ApiProperty({ ...COUNT, description: 'Audiences expired or deleted' }) deletedAudiences!: number;
}

class ReportRowDto {
  @ApiProperty({ type: ReportAgreementDto }) agreement!: ReportAgreementDto;
  @ApiProperty({ type: PartnerRefDto }) partner!: PartnerRefDto;
  @ApiProperty({ type: ReportSentDto }) sent!: ReportSentDto;
  @ApiProperty({ type: ReportNoticesDto }) deletionNotices!: ReportNoticesDto;
  @ApiProperty({ type: ReportReceivedDto }) received!: ReportReceivedDto;
}

export class ShareReportDto {
  @ApiProperty({ format: 'date-time' }) generatedAt!: string;
  @ApiProperty({ type: [ReportRowDto], maxItems: 1000, description: 'Per agreement, by partner name, at most 1,000' })
  agreements!: ReportRowDto[];
}
