import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import { DOCUMENT_RECORD_KINDS } from '@crm/contracts';

export class LinkViewDto {
  @ApiProperty({ enum: DOCUMENT_RECORD_KINDS }) kind!: string;
  @ApiProperty({ format: 'uuid' }) id!: string;
  @ApiProperty() linkedBy!: string;
  @ApiProperty({ format: 'date-time' }) linkedAt!: string;
}

class ScanDto {
  @ApiProperty({ enum: ['not_scanned', 'clean', 'infected', 'failed'] }) status!: string;
  @ApiPropertyOptional({ nullable: true, type: String }) detail!: string | null;
}

class TextStatusDto {
  @ApiProperty({ enum: ['pending', 'done', 'failed', 'skipped'] }) status!: string;
  @ApiPropertyOptional({ nullable: true, type: String, description: 'Why extraction failed or was skipped' })
  error!: string | null;
  @ApiPropertyOptional({ nullable: true, type: String, format: 'date-time' }) extractedAt!: string | null;
}

export class VersionViewDto {
  @ApiProperty({ format: 'uuid' }) id!: string;
  @ApiProperty({ format: 'uuid' }) documentId!: string;
  @ApiProperty({ description: '1 for the first upload, then 2, 3, ...' }) number!: number;
  @ApiProperty({ pattern: '^[0-9a-f]{64}$' }) sha256!: string;
  @ApiProperty() size!: number;
  @ApiProperty({ description: 'Detected from the content' }) mediaType!: string;
  @ApiProperty() fileName!: string;
  @ApiProperty() authorId!: string;
  @ApiProperty({ format: 'date-time' }) createdAt!: string;
  @ApiProperty({ type: ScanDto }) scan!: ScanDto;
  @ApiProperty({ type: TextStatusDto }) text!: TextStatusDto;
}

export class DocumentViewDto {
  @ApiProperty({ format: 'uuid' }) id!: string;
  @ApiProperty({ description: 'Changes with every change; send it as If-Match' }) version!: number;
  @ApiProperty() title!: string;
  @ApiProperty() type!: string;
  @ApiProperty({ type: [String] }) tags!: string[];
  @ApiProperty() language!: string;
  @ApiPropertyOptional({ nullable: true, type: String }) ownerId!: string | null;
  @ApiProperty({ type: 'object', additionalProperties: true }) metadata!: Record<string, unknown>;
  @ApiProperty({ type: [LinkViewDto] }) links!: LinkViewDto[];
  @ApiPropertyOptional({ type: VersionViewDto, nullable: true }) currentVersion!: VersionViewDto | null;
  @ApiPropertyOptional({ nullable: true, type: String, format: 'uuid' }) pinnedVersionId!: string | null;
  @ApiProperty() versionCount!: number;
  @ApiProperty({ description: 'An active legal hold covers it' }) underHold!: boolean;
  @ApiPropertyOptional({ nullable: true, type: String, format: 'date-time' }) reviewFlaggedAt!: string | null;
  @ApiPropertyOptional({ nullable: true, type: String, format: 'date-time' }) anonymisedAt!: string | null;
  @ApiProperty() createdBy!: string;
  @ApiProperty({ format: 'date-time' }) createdAt!: string;
  @ApiProperty({ format: 'date-time' }) updatedAt!: string;
}

export class SearchHitDto {
  @ApiProperty({ format: 'uuid' }) id!: string;
  @ApiProperty() title!: string;
  @ApiProperty() type!: string;
  @ApiProperty({ type: [String] }) tags!: string[];
  @ApiProperty() language!: string;
  @ApiProperty() rank!: number;
  @ApiProperty({ description: 'Passage with the matches between « and »' }) snippet!: string;
  @ApiPropertyOptional({ nullable: true, type: String }) fileName!: string | null;
  @ApiPropertyOptional({ nullable: true, type: String }) mediaType!: string | null;
  @ApiProperty({ format: 'date-time' }) createdAt!: string;
}
