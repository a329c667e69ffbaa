import 'reflect-metadata';
import { Type } from 'class-transformer';
import { IsIn, IsInt, IsOptional, IsString, Matches, Max, Min } from 'class-validator';
import { ServiceConfig, type ConfigProblem } from '@crm/platform';

const LIST = /^[^,\s]+(,[^,\s]+)*$/;

export const DEFAULT_DOCUMENT_TYPES = 'contract,quote,invoice,manual,report,correspondence,other';
export const DEFAULT_MEDIA_TYPES = [
  'application/pdf',
  'application/vnd.openxmlformats-officedocument.wordprocessingml.document',
  'application/vnd.openxmlformats-officedocument.spreadsheetml.sheet',
  'application/vnd.openxmlformats-officedocument.presentationml.presentation',
  'application/vnd.oasis.opendocument.text',
  'text/plain',
  'text/csv',
  'text/markdown',
  'text/html',
  'message/rfc822',
  'image/png',
  'image/jpeg',
  'image/gif',
  'image/webp',
  'image/tiff',
].join(',');
export const DEFAULT_LANGUAGES = 'simple,english,german,french,spanish,italian,dutch,portuguese';

/** The documents service's settings, on top of every service's. Names are the environment variable names. */
export class DocumentsConfig extends ServiceConfig {
  /** Where blobs go: a folder on local disk (default) or an S3-compatible bucket. */
  @IsIn(['local', 's3'])
  STORAGE_DRIVER = 'local';

  @IsString()
  STORAGE_DIR = '.run/documents';

  @IsOptional()
  @IsString()
  S3_ENDPOINT?: string;

  @IsString()
  S3_REGION = 'us-east-1';

  @IsOptional()
  @IsString()
  S3_BUCKET?: string;

  @IsOptional()
  @IsString()
  S3_ACCESS_KEY_ID?: string;

  @IsOptional()
  @IsString()
  S3_SECRET_ACCESS_KEY?: string;

  /** Path-style addressing (MinIO, Ceph, s3rver); virtual-hosted style otherwise. */
  @IsIn(['true', 'false'])
  S3_FORCE_PATH_STYLE = 'true';

  /** Largest file accepted by an upload; past it the answer is 413 and nothing is kept. */
  @Type(() => Number)
  @IsInt()
  @Min(1)
  @Max(2 ** 40)
  DOCUMENT_MAX_BYTES = 1024 * 1024 * 1024;

  @Matches(LIST, { message: 'DOCUMENT_TYPES must be a comma-separated list' })
  DOCUMENT_TYPES = DEFAULT_DOCUMENT_TYPES;

  /** Media types accepted, as detected from the content. */
  @Matches(LIST, { message: 'DOCUMENT_MEDIA_TYPES must be a comma-separated list' })
  DOCUMENT_MEDIA_TYPES = DEFAULT_MEDIA_TYPES;

  /** Text search configurations a document may name (Postgres regconfig names). */
  @Matches(/^[a-z_]+(,[a-z_]+)*$/, { message: 'DOCUMENT_LANGUAGES must be a comma-separated list of regconfig names' })
  DOCUMENT_LANGUAGES = DEFAULT_LANGUAGES;

  @IsString()
  DOCUMENT_DEFAULT_LANGUAGE = 'simple';

  /** What erasing a person does to the documents linked only to them: delete them, or keep them without content. */
  @IsIn(['delete', 'anonymise'])
  DOCUMENT_ERASURE_MODE = 'delete';

  /** Files larger than this are stored but their text is not extracted (recorded as skipped). */
  @Type(() => Number)
  @IsInt()
  @Min(1)
  EXTRACT_MAX_BYTES = 64 * 1024 * 1024;

  /** Characters of extracted text indexed per version. */
  @Type(() => Number)
  @IsInt()
  @Min(1000)
  @Max(900_000)
  EXTRACT_MAX_CHARS = 500_000;

  @Type(() => Number)
  @IsInt()
  @Min(100)
  EXTRACT_TIMEOUT_MS = 60_000;

  /** How often the retention sweep runs. */
  @Type(() => Number)
  @IsInt()
  @Min(100)
  RETENTION_SWEEP_MS = 3_600_000;

  /** How often the work queue is polled when nothing woke it. */
  @Type(() => Number)
  @IsInt()
  @Min(10)
  WORK_POLL_MS = 1000;

  /** ClamAV daemon (clamd) as host:port; unset, versions are recorded as not scanned. */
  @IsOptional()
  @Matches(/^[A-Za-z0-9.-]+:\d{1,5}$/, { message: 'CLAMAV_ADDRESS must be host:port' })
  CLAMAV_ADDRESS?: string;

  override crossCheck(): ConfigProblem[] {
    const problems = super.crossCheck();
    if (this.STORAGE_DRIVER === 's3' && !this.S3_BUCKET) {
      problems.push({ variable: 'S3_BUCKET', message: 'is required when STORAGE_DRIVER=s3' });
    }
    if (!this.DOCUMENT_LANGUAGES.split(',').includes(this.DOCUMENT_DEFAULT_LANGUAGE)) {
      problems.push({ variable: 'DOCUMENT_DEFAULT_LANGUAGE', message: 'must be one of DOCUMENT_LANGUAGES' });
    }
    return problems;
  }

  get documentTypes(): string[] {
    return this.DOCUMENT_TYPES.split(',');
  }

  get mediaTypes(): string[] {
    return this.DOCUMENT_MEDIA_TYPES.split(',');
  }

  get languages(): string[] {
    return this.DOCUMENT_LANGUAGES.split(',');
  }
}

export const DOCUMENTS_CONFIG = Symbol('crm:documents-config');
