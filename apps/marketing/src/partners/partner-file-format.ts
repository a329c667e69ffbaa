import type { createHash } from 'node:crypto';
import type { Readable } from 'node:stream';
import { StringDecoder } from 'node:string_decoder';
import { CsvReader } from '@crm/bulk';
import { isUuid } from '@crm/persistence';
import { validationFailed, type FieldProblem } from '@crm/platform';
import { marketingError } from '../shared/marketing-errors';
import type { ReceivedRecord } from './partner-audiences.service';
import type { AgreementRow } from './partners.repository';
import { AGE_BANDS, type ShareableField } from './shareable-fields';

/*
 * The signed partner file, for partners that run no suite: CSV (header = the
 * fields) or JSON lines of keyed hashes and coarse attributes, described by a
 * manifest signed with the agreement's signing key.
 */
export const FILE_FORMAT = 'crm-partner-file/v1';
export const MANIFEST_HEADER = 'x-crm-partner-manifest';
export const FILE_SIGNATURE_HEADER = 'x-crm-partner-signature';
/** A manifest is a few hundred bytes; its header is refused past this. */
export const MANIFEST_MAX_LENGTH = 2048;
export type FileEncoding = 'csv' | 'jsonl';
export const FILE_TYPES: Record<FileEncoding, string> = { csv: 'text/csv', jsonl: 'application/x-ndjson' };

/** What a partner file says about itself; signed (detached) with the agreement's signing key. */
export interface FileManifest {
  format: typeof FILE_FORMAT;
  /** The agreement's exchange id, the same on both sides. */
  agreement: string;
  shareId: string;
  encoding: FileEncoding;
  fields: string[];
  purposes: string[];
  count: number;
  createdAt: string;
  expiresAt: string;
  /** SHA-256 (hex) of the file's exact bytes. */
  sha256: string;
}

export const COLUMN: Record<ShareableField, 'email_hash' | 'phone_hash' | 'country' | 'age_band' | 'rfm_segment'> = {
  emailHash: 'email_hash',
  phoneHash: 'phone_hash',
  country: 'country',
  ageBand: 'age_band',
  rfmSegment: 'rfm_segment',
};
const HASH = /^[0-9a-f]{64}$/;
const CHECKS: Record<ShareableField, (v: string) => boolean> = {
  emailHash: (v) => HASH.test(v),
  phoneHash: (v) => HASH.test(v),
  country: (v) => /^[A-Z]{2}$/.test(v),
  ageBand: (v) => (AGE_BANDS as readonly string[]).includes(v),
  rfmSegment: (v) => /^[A-Za-z0-9_-]{1,40}$/.test(v),
};
const BATCH = 2000;

export type ShareContactRow = Record<(typeof COLUMN)[ShareableField], string | null>;

/** One line of the file: CSV cells in the fields' order (every value is a safe token), or a JSON object. */
export function line(encoding: FileEncoding, fields: ShareableField[], r: ShareContactRow): string {
  if (encoding === 'csv') return `${fields.map((f) => r[COLUMN[f]] ?? '').join(',')}\n`;
  const o: Record<string, string> = {};
  for (const f of fields) {
    const v = r[COLUMN[f]];
    if (v !== null && v !== undefined) o[f] = v;
  }
  return `${JSON.stringify(o)}\n`;
}

export interface FileProgress {
  bytes: number;
  lines: number;
  sha: ReturnType<typeof createHash>;
}

/** The manifest of a partner's file (base64url JSON in its header), checked against this side's agreement. */
export function parseManifest(
  agreement: Pick<AgreementRow, 'exchange_id' | 'fields' | 'purposes'>,
  header: string | undefined,
): { manifest: FileManifest; bytes: Buffer } {
  const field = (f: string) => `${MANIFEST_HEADER}.${f}`;
  if (!header) throw validationFailed([{ field: MANIFEST_HEADER, message: 'is required (base64url of the manifest)' }]);
  if (header.length > MANIFEST_MAX_LENGTH)
    throw validationFailed([{ field: MANIFEST_HEADER, message: `must be at most ${MANIFEST_MAX_LENGTH} characters` }]);
  const bytes = Buffer.from(header, 'base64url');
  let m: Partial<FileManifest>;
  try {
    m = JSON.parse(bytes.toString('utf8')) as Partial<FileManifest>;
  } catch {
    throw validationFailed([{ field: MANIFEST_HEADER, message: 'must be base64url of a JSON manifest' }]);
  }
  if (!m || typeof m !== 'object')
    throw validationFailed([{ field: MANIFEST_HEADER, message: 'must be a JSON object' }]);
  const problems: FieldProblem[] = [];
  if (m.format !== FILE_FORMAT) problems.push({ field: field('format'), message: `must be ${FILE_FORMAT}` });
  if (m.agreement !== agreement.exchange_id)
    problems.push({ field: field('agreement'), message: "must be this agreement's exchange id" });
  if (typeof m.shareId !== 'string' || !isUuid(m.shareId))
    problems.push({ field: field('shareId'), message: 'must be a UUID' });
  if (m.encoding !== 'csv' && m.encoding !== 'jsonl')
    problems.push({ field: field('encoding'), message: 'must be csv or jsonl' });
  if (!Array.isArray(m.fields) || !m.fields.length || m.fields.some((f) => !agreement.fields.includes(f)))
    problems.push({ field: field('fields'), message: "must be some of the agreement's fields" });
  else if (!m.fields.includes('emailHash') && !m.fields.includes('phoneHash'))
    problems.push({ field: field('fields'), message: 'must include emailHash or phoneHash' });
  if (!Array.isArray(m.purposes) || !m.purposes.length || m.purposes.some((p) => !agreement.purposes.includes(p)))
    problems.push({ field: field('purposes'), message: "must be some of the agreement's purposes" });
  if (!Number.isInteger(m.count) || (m.count as number) < 0 || (m.count as number) > 10_000_000)
    problems.push({ field: field('count'), message: 'must be an integer from 0 to 10,000,000' });
  for (const f of ['createdAt', 'expiresAt'] as const)
    if (typeof m[f] !== 'string' || Number.isNaN(Date.parse(m[f] as string)))
      problems.push({ field: field(f), message: 'must be an ISO 8601 date-time' });
  if (typeof m.expiresAt === 'string' && Date.parse(m.expiresAt) <= Date.now())
    problems.push({ field: field('expiresAt'), message: 'must be in the future (the file has expired)' });
  if (typeof m.sha256 !== 'string' || !HASH.test(m.sha256))
    problems.push({ field: field('sha256'), message: 'must be the lower-case hex SHA-256 of the file' });
  if (problems.length) throw validationFailed(problems);
  return { manifest: m as FileManifest, bytes };
}

/**
 * Parses a partner file's stream into checked records (only the manifest's
 * fields, valid values, at most its count), batch by batch; the SHA-256 and
 * the byte count follow the raw bytes, past `maxBytes` it stops.
 */
export async function* readRecords(
  body: Readable,
  manifest: FileManifest,
  progress: FileProgress,
  maxBytes: number,
): AsyncGenerator<ReceivedRecord[]> {
  const fields = manifest.fields as ShareableField[];
  const allowed = new Set<string>(fields);
  const csv = manifest.encoding === 'csv' ? new CsvReader(',') : null;
  const decoder = new StringDecoder('utf8');
  let rest = '';
  let header = csv === null;
  let batch: ReceivedRecord[] = [];
  const bad = (message: string, f?: string) =>
    marketingError('PARTNER_FILE_INVALID', `Line ${progress.lines + 1} of the file: ${f ?? ''} ${message}`, {
      errors: [{ field: `body.lines.${progress.lines + 1}${f ? `.${f}` : ''}`, message }],
    });
  const take = (o: Record<string, unknown>): void => {
    const r: Record<string, string> = {};
    for (const [k, v] of Object.entries(o)) {
      if (v === '' || v === null || v === undefined) continue;
      if (!allowed.has(k)) throw bad('is not a field of this file', k);
      if (typeof v !== 'string' || !CHECKS[k as ShareableField](v)) throw bad('is not a valid value', k);
      r[k] = v as string;
    }
    if (!r['emailHash'] && !r['phoneHash']) throw bad('needs emailHash or phoneHash');
    if (progress.lines >= manifest.count) throw bad('is more than the manifest count');
    progress.lines++;
    batch.push(r);
  };
  const fromCsv = (rows: string[][]) => {
    for (const cells of rows) {
      if (!header) {
        if (cells.join(',') !== fields.join(','))
          throw marketingError('PARTNER_FILE_INVALID', 'The CSV header is not the manifest fields in order', {
            errors: [{ field: 'body.header', message: `must be ${fields.join(',')}` }],
          });
        header = true;
        continue;
      }
      if (cells.length !== fields.length) throw bad(`must have ${fields.length} cells`);
      take(Object.fromEntries(fields.map((f, i) => [f, cells[i]])));
    }
  };
  const fromJson = (text: string) => {
    const parts = (rest + text).split('\n');
    rest = parts.pop() ?? '';
    for (const p of parts) {
      if (!p.trim()) continue;
      let o: unknown;
      try {
        o = JSON.parse(p);
      } catch {
        throw bad('is not JSON');
      }
      if (!o || typeof o !== 'object' || Array.isArray(o)) throw bad('must be a JSON object');
      take(o as Record<string, unknown>);
    }
  };
  for await (const chunk of body as AsyncIterable<Buffer>) {
    progress.bytes += chunk.length;
    if (progress.bytes > maxBytes)
      throw marketingError('PARTNER_FILE_TOO_LARGE', `The file is larger than ${maxBytes} bytes`);
    progress.sha.update(chunk);
    if (csv) fromCsv(csv.push(chunk));
    else fromJson(decoder.write(chunk));
    if (batch.length >= BATCH) {
      yield batch;
      batch = [];
    }
  }
  if (csv) fromCsv(csv.end());
  else fromJson(decoder.end() + '\n');
  if (batch.length) yield batch;
}
