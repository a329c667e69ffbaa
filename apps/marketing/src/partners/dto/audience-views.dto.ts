import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import { FILE_FORMAT } from '../partner-file-format';
import { FIELDS_PROPERTY, PURPOSES_PROPERTY } from './partner-views.dto';

/** What received audiences, partner files and the partner exchange answer. */

export const AUDIENCE_STATUSES = ['receiving', 'active', 'expired', 'deleted', 'refused'] as const;
const COUNT = { type: 'integer', minimum: 0, format: 'int32' } as const;
const SIGNATURE = { pattern: '^sha256=[0-9a-f]{64}$', maxLength: 71 } as const;

class AudienceProvenanceDto {
  @ApiProperty({ maxLength: 200 }) partnerName!: string;
  @ApiProperty({ format: 'uuid', description: "The share's id on the partner's side" }) remoteShareId!: string;
  @ApiProperty({ format: 'date-time' }) sharedAt!: string;
  @ApiProperty(PURPOSES_PROPERTY) purposes!: string[];
  @ApiProperty(FIELDS_PROPERTY) fields!: string[];
}

export class PartnerAudienceViewDto {
  @ApiProperty({ format: 'uuid' }) id!: string;
  @ApiProperty({ format: 'uuid' }) partnerId!: string;
  @ApiProperty({ format: 'uuid' }) agreementId!: string;
  @ApiProperty({
    type: String,
    nullable: true,
    format: 'uuid',
    description: 'The static segment campaigns use; null until complete and after deletion',
  })
  segmentId!: string | null;
  @ApiProperty({ enum: AUDIENCE_STATUSES }) status!: string;
  @ApiProperty({ type: AudienceProvenanceDto }) provenance!: AudienceProvenanceDto;
  @ApiProperty({ ...COUNT, description: 'Records the partner sent' }) received!: number;
  @ApiProperty({ ...COUNT, description: 'Own contacts they matched, held now' }) members!: number;
  @ApiProperty({ format: 'date-time' }) receivedAt!: string;
  @ApiProperty({ format: 'date-time', description: 'When it is deleted' }) expiresAt!: string;
  @ApiProperty({ type: String, nullable: true, format: 'date-time' }) deletedAt!: string | null;
  @ApiProperty({
    type: String,
    nullable: true,
    enum: ['below_threshold', 'incomplete', 'invalid'],
    description: 'Why it was discarded, else null',
  })
  reason!: string | null;
  @ApiProperty({ enum: ['suite', 'file'], description: "Over HTTPS from the partner's suite, or a signed file" })
  via!: string;
}

export class PartnerAudienceListDto {
  @ApiProperty({ type: [PartnerAudienceViewDto], maxItems: 200, description: 'Newest first, at most 200' })
  items!: PartnerAudienceViewDto[];
}

export class FileManifestDto {
  @ApiProperty({ enum: [FILE_FORMAT] }) format!: string;
  @ApiProperty({ format: 'uuid', description: "The agreement's exchange id" }) agreement!: string;
  @ApiProperty({ format: 'uuid' }) shareId!: string;
  @ApiProperty({ enum: ['csv', 'jsonl'] }) encoding!: string;
  @ApiProperty(FIELDS_PROPERTY) fields!: string[];
  @ApiProperty(PURPOSES_PROPERTY) purposes!: string[];
  @ApiProperty({ ...COUNT, description: 'Records (lines, without the CSV header)' }) count!: number;
  @ApiProperty({ format: 'date-time' }) createdAt!: string;
  @ApiProperty({ format: 'date-time' }) expiresAt!: string;
  @ApiProperty({ pattern: '^[0-9a-f]{64}$', maxLength: 64, description: "SHA-256 (hex) of the file's bytes" })
  sha256!: string;
}

export class FileExportViewDto {
  @ApiProperty({ format: 'uuid' }) id!: string;
  @ApiProperty({ format: 'uuid', description: 'Its share log entry' }) shareId!: string;
  @ApiProperty({ format: 'uuid' }) agreementId!: string;
  @ApiProperty({ enum: ['csv', 'jsonl'] }) encoding!: string;
  @ApiProperty({ ...COUNT, description: 'Consented contacts in it (final once downloaded)' }) contacts!: number;
  @ApiProperty({ format: 'date-time' }) createdAt!: string;
  @ApiProperty({ format: 'date-time' }) expiresAt!: string;
  @ApiProperty({ type: String, nullable: true, format: 'date-time' }) downloadedAt!: string | null;
  @ApiProperty({ type: String, nullable: true, description: 'Who downloaded it (the token subject)' })
  downloadedBy!: string | null;
  @ApiProperty({ type: FileManifestDto, nullable: true, description: 'Once downloaded' })
  manifest!: FileManifestDto | null;
  @ApiProperty({ type: String, nullable: true, ...SIGNATURE, description: "The manifest's HMAC, once downloaded" })
  signature!: string | null;
}

export class ExchangeMatchAnswerDto {
  @ApiPropertyOptional({ ...COUNT, description: 'The overlap: answered to a whole list or its last chunk' })
  matched?: number;
  @ApiPropertyOptional({ ...COUNT, description: 'Records received so far: answered to a chunk before the last' })
  received?: number;
}

export class ExchangeAudienceAnswerDto {
  @ApiProperty({ format: 'uuid', description: "The receiver's partner audience" }) audienceId!: string;
  @ApiProperty({ enum: AUDIENCE_STATUSES }) status!: string;
  @ApiProperty({ ...COUNT, description: 'Records received so far' }) received!: number;
  @ApiProperty({ ...COUNT, description: 'Of them, contacts of the receiver' }) matched!: number;
}

export class ExchangeDeletionAnswerDto {
  @ApiProperty({ format: 'uuid' }) noticeId!: string;
  @ApiProperty({ ...COUNT, description: 'Records deleted (the first time the notice came)' }) deleted!: number;
}

export class DeletionImportDto {
  @ApiProperty({ type: 'integer', minimum: 0, maximum: 1000, description: 'Notices in the file' }) notices!: number;
  @ApiProperty({
    ...COUNT,
    description:
      'Records the notices deleted (a notice seen before answers what it deleted then, and deletes nothing more)',
  })
  deleted!: number;
}
