import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import { Type } from 'class-transformer';
import {
  ArrayMaxSize,
  IsArray,
  IsIn,
  IsISO8601,
  IsObject,
  IsOptional,
  IsString,
  IsUUID,
  Length,
  Matches,
  MaxLength,
  ValidateBy,
  ValidateNested,
  type ValidationOptions,
} from 'class-validator';
import { DOCUMENT_RECORD_KINDS, type DocumentRecordKind } from '@crm/contracts';
import { PageQueryDto } from '@crm/platform';

const TAG = /^[\p{L}\p{N}][\p{L}\p{N} ._:-]{0,59}$/u;
const TYPE = /^[a-z][a-z0-9-]{0,59}$/;

/** A string with at least one character that is not white space. */
export function IsNotBlank(options?: ValidationOptions): PropertyDecorator {
  return ValidateBy(
    {
      name: 'isNotBlank',
      validator: {
        validate: (value: unknown) => typeof value !== 'string' || value.trim().length > 0,
        defaultMessage: () => 'must not be blank',
      },
    },
    options,
  );
}

/** A JSON object of at most `max` keys whose values are strings, numbers, booleans or null. */
function IsFlatMetadata(max: number, options?: ValidationOptions): PropertyDecorator {
  return ValidateBy(
    {
      name: 'isFlatMetadata',
      validator: {
        validate: (value: unknown) =>
          typeof value === 'object' &&
          value !== null &&
          !Array.isArray(value) &&
          Object.keys(value).length <= max &&
          Object.entries(value).every(
            ([k, v]) =>
              k.length >= 1 &&
              k.length <= 60 &&
              (v === null ||
                typeof v === 'boolean' ||
                (typeof v === 'number' && Number.isFinite(v)) ||
                (typeof v === 'string' && v.length <= 2000)),
          ),
        defaultMessage: () =>
          `must be an object of at most ${max} keys (1-60 characters) whose values are strings (at most 2000 characters), numbers, booleans or null`,
      },
    },
    options,
  );
}

export class LinkDto {
  @ApiProperty({ enum: DOCUMENT_RECORD_KINDS })
  @IsIn(DOCUMENT_RECORD_KINDS, { message: `must be one of ${DOCUMENT_RECORD_KINDS.join(', ')}` })
  kind!: DocumentRecordKind;

  @ApiProperty({ format: 'uuid' })
  @IsUUID(undefined, { message: 'must be a UUID' })
  id!: string;
}

export class CreateDocumentDto {
  @ApiProperty({ minLength: 1, maxLength: 500 })
  @IsString()
  @Length(1, 500)
  @IsNotBlank()
  title!: string;

  @ApiProperty({ example: 'contract', maxLength: 60, description: 'One of the configured types (DOCUMENT_TYPES)' })
  @IsString()
  @Matches(TYPE, { message: 'must be a lower-case type name such as contract' })
  type!: string;

  @ApiPropertyOptional({ type: [String], maxItems: 50 })
  @IsOptional()
  @IsArray()
  @ArrayMaxSize(50)
  @IsString({ each: true })
  @Matches(TAG, { each: true, message: 'each tag must be 1-60 letters, digits, spaces or ._:-' })
  tags?: string[];

  @ApiPropertyOptional({ example: 'english', description: 'Text search configuration (DOCUMENT_LANGUAGES)' })
  @IsOptional()
  @IsString()
  @Matches(/^[a-z_]{1,40}$/, { message: 'must be a text search configuration name such as english' })
  language?: string;

  @ApiPropertyOptional({ maxLength: 200 })
  @IsOptional()
  @IsString()
  @Length(1, 200)
  ownerId?: string;

  @ApiPropertyOptional({ type: 'object', additionalProperties: true, description: 'Flat custom metadata' })
  @IsOptional()
  @IsObject()
  @IsFlatMetadata(50)
  metadata?: Record<string, string | number | boolean | null>;

  @ApiPropertyOptional({ type: [LinkDto], maxItems: 50 })
  @IsOptional()
  @IsArray()
  @ArrayMaxSize(50)
  @ValidateNested({ each: true })
  @Type(() => LinkDto)
  links?: LinkDto[];
}

export class UpdateDocumentDto {
  @ApiPropertyOptional({ minLength: 1, maxLength: 500 })
  @IsOptional()
  @IsString()
  @Length(1, 500)
  @IsNotBlank()
  title?: string;

  @ApiPropertyOptional({ maxLength: 60 })
  @IsOptional()
  @IsString()
  @Matches(TYPE, { message: 'must be a lower-case type name such as contract' })
  type?: string;

  @ApiPropertyOptional({ type: [String], maxItems: 50 })
  @IsOptional()
  @IsArray()
  @ArrayMaxSize(50)
  @IsString({ each: true })
  @Matches(TAG, { each: true, message: 'each tag must be 1-60 letters, digits, spaces or ._:-' })
  tags?: string[];

  @ApiPropertyOptional({ example: 'english' })
  @IsOptional()
  @IsString()
  @Matches(/^[a-z_]{1,40}$/, { message: 'must be a text search configuration name such as english' })
  language?: string;

  @ApiPropertyOptional({ maxLength: 200, nullable: true })
  @IsOptional()
  @IsString()
  @Length(1, 200)
  ownerId?: string | null;

  @ApiPropertyOptional({ type: 'object', additionalProperties: true })
  @IsOptional()
  @IsObject()
  @IsFlatMetadata(50)
  metadata?: Record<string, string | number | boolean | null>;

  @ApiPropertyOptional({ format: 'uuid', nullable: true, description: 'Pin a version as current; null unpins' })
  @IsOptional()
  @IsUUID(undefined, { message: 'must be a UUID' })
  pinnedVersionId?: string | null;
}

export class DocumentIdParams {
  @ApiProperty({ format: 'uuid' })
  @IsUUID(undefined, { message: 'must be a UUID' })
  id!: string;
}

export class VersionParams extends DocumentIdParams {
  @ApiProperty({ format: 'uuid' })
  @IsUUID(undefined, { message: 'must be a UUID' })
  versionId!: string;
}

export class LinkParams extends DocumentIdParams {
  @ApiProperty({ enum: DOCUMENT_RECORD_KINDS })
  @IsIn(DOCUMENT_RECORD_KINDS, { message: `must be one of ${DOCUMENT_RECORD_KINDS.join(', ')}` })
  kind!: DocumentRecordKind;

  @ApiProperty({ format: 'uuid' })
  @IsUUID(undefined, { message: 'must be a UUID' })
  recordId!: string;
}

export class UploadQuery {
  @ApiPropertyOptional({ maxLength: 255, description: 'File name for a raw upload (else Content-Disposition)' })
  @IsOptional()
  @IsString()
  @MaxLength(1000)
  fileName?: string;
}

/** Filters shared by the listing and the search. */
export class DocumentFilterQuery extends PageQueryDto {
  @ApiPropertyOptional({ maxLength: 60 })
  @IsOptional()
  @IsString()
  @Matches(TYPE, { message: 'must be a lower-case type name such as contract' })
  type?: string;

  @ApiPropertyOptional({ maxLength: 60 })
  @IsOptional()
  @IsString()
  @Matches(TAG, { message: 'must be 1-60 letters, digits, spaces or ._:-' })
  tag?: string;

  @ApiPropertyOptional({ enum: DOCUMENT_RECORD_KINDS, description: 'With recordId: documents linked to that record' })
  @IsOptional()
  @IsIn(DOCUMENT_RECORD_KINDS, { message: `must be one of ${DOCUMENT_RECORD_KINDS.join(', ')}` })
  recordKind?: DocumentRecordKind;

  @ApiPropertyOptional({ format: 'uuid' })
  @IsOptional()
  @IsUUID(undefined, { message: 'must be a UUID' })
  recordId?: string;

  @ApiPropertyOptional({ format: 'date-time', description: 'Created at or after' })
  @IsOptional()
  @IsISO8601({ strict: true }, { message: 'must be an ISO 8601 date or date-time' })
  @MaxLength(40)
  from?: string;

  @ApiPropertyOptional({ format: 'date-time', description: 'Created before' })
  @IsOptional()
  @IsISO8601({ strict: true }, { message: 'must be an ISO 8601 date or date-time' })
  @MaxLength(40)
  to?: string;
}

export class DocumentListQuery extends DocumentFilterQuery {
  @ApiPropertyOptional({
    enum: ['pending', 'done', 'failed', 'skipped'],
    description: 'Text extraction status of the current version',
  })
  @IsOptional()
  @IsIn(['pending', 'done', 'failed', 'skipped'])
  textStatus?: string;

  @ApiPropertyOptional({ description: 'Only documents flagged for review by retention', enum: ['true'] })
  @IsOptional()
  @IsIn(['true', 'false'])
  flaggedForReview?: string;
}

export class SearchQueryDto extends DocumentFilterQuery {
  @ApiProperty({ minLength: 1, maxLength: 500, description: 'Web-style: words, "quoted phrases", or, -excluded' })
  @IsString()
  @Length(1, 500)
  @IsNotBlank()
  q!: string;
}
