import { Injectable } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import { createHash } from 'node:crypto';
import type { Readable } from 'node:stream';
import { StringDecoder } from 'node:string_decoder';
import type { DataSource } from 'typeorm';
import { isUuid } from '@crm/persistence';
import { validationFailed, type FieldProblem } from '@crm/platform';
import { marketingError } from '../shared/marketing-errors';
import { BY_FILE } from './deletion-notices.service';
import { manifestSignatureMatches, signingKey, signManifest } from './partner-crypto';
import { FILE_SIGNATURE_HEADER, FILE_TYPES, MANIFEST_HEADER, MANIFEST_MAX_LENGTH } from './partner-file-format';
import { PartnerAudiencesService } from './partner-audiences.service';
import { PartnerKeys } from './partner-keys';
import { findAgreement, type AgreementRow } from './partners.repository';

export const DELETIONS_FORMAT = 'crm-partner-deletions/v1';
/** Notices per file, and so per import (each line names at most 100 + 100 hashes). */
export const DELETIONS_MAX_NOTICES = 1000;
const MAX_BYTES = DELETIONS_MAX_NOTICES * 14_000;
const HASH = /^[0-9a-f]{64}$/;

/** What a deletion file says about itself; signed (detached) with the agreement's signing key, like a partner file. */
export interface DeletionsManifest {
  format: typeof DELETIONS_FORMAT;
  /** The agreement's exchange id, the same on both sides. */
  agreement: string;
  count: number;
  createdAt: string;
  /** SHA-256 (hex) of the file's exact bytes. */
  sha256: string;
}

/** One line of a deletion file: the notice the exchange would have posted. */
interface NoticeLine {
  noticeId: string;
  issuedAt: string;
  emailHashes: string[];
  phoneHashes: string[];
}

/**
 * Deletion notices to a partner that received the contacts only as signed
 * files (it runs no suite to post them to): they wait here, no HTTP attempt
 * made, until an admin takes them as one signed JSON-lines file to hand to
 * the partner; that hand-over is their delivery. A receiving suite can
 * import such a file, and deletes as for a notice over the exchange.
 */
@Injectable()
export class DeletionFilesService {
  constructor(
    @InjectDataSource() private readonly dataSource: DataSource,
    private readonly keys: PartnerKeys,
    private readonly audiences: PartnerAudiencesService,
  ) {}

  private async agreement(id: string): Promise<AgreementRow> {
    const agreement = await findAgreement(this.dataSource.manager, id);
    if (!agreement) throw marketingError('AGREEMENT_NOT_FOUND', `No agreement ${id}`);
    return agreement;
  }

  /**
   * Claims the agreement's file notices not yet handed over (oldest first, at
   * most 1,000) and answers them as a signed file; they are delivered from
   * then on (an erased contact's hashes are then not kept here either).
   */
  async take(agreementId: string): Promise<{ contentType: string; headers: Record<string, string>; body: string }> {
    const agreement = await this.agreement(agreementId);
    return this.dataSource.transaction(async (m) => {
      const notices: { id: string; created_at: Date; email_hashes: string[]; phone_hashes: string[] }[] = await m.query(
        `SELECT n.id, n.created_at, n.email_hashes, n.phone_hashes FROM partner_deletion_notices n
            WHERE n.agreement_id = $1 AND n.status <> 'delivered' AND ${BY_FILE}
            ORDER BY n.id LIMIT ${DELETIONS_MAX_NOTICES} FOR UPDATE OF n SKIP LOCKED`,
        [agreement.id],
      );
      const body = notices
        .map(
          (n) =>
            `${JSON.stringify({
              noticeId: n.id,
              issuedAt: n.created_at.toISOString(),
              emailHashes: n.email_hashes,
              phoneHashes: n.phone_hashes,
            } satisfies NoticeLine)}\n`,
        )
        .join('');
      const manifest: DeletionsManifest = {
        format: DELETIONS_FORMAT,
        agreement: agreement.exchange_id,
        count: notices.length,
        createdAt: new Date().toISOString(),
        sha256: createHash('sha256').update(body).digest('hex'),
      };
      const manifestText = JSON.stringify(manifest);
      await m.query(
        `UPDATE partner_deletion_notices SET attempts = attempts + 1, status = 'delivered', delivered_at = now(),
           partner_deleted = NULL, last_error = NULL,
           email_hashes = CASE WHEN reason = 'erased' THEN '{}' ELSE email_hashes END,
           phone_hashes = CASE WHEN reason = 'erased' THEN '{}' ELSE phone_hashes END
         WHERE id = ANY($1::uuid[])`,
        [notices.map((n) => n.id)],
      );
      return {
        contentType: `${FILE_TYPES.jsonl}; charset=utf-8`,
        headers: {
          [MANIFEST_HEADER]: Buffer.from(manifestText).toString('base64url'),
          [FILE_SIGNATURE_HEADER]: signManifest(signingKey(this.keys.open(agreement)), manifestText),
          'content-disposition': `attachment; filename="partner-deletions-${agreement.exchange_id}-${manifest.createdAt.replace(/[:.]/g, '-')}.jsonl"`,
        },
        body,
      };
    });
  }

  /** A partner's signed deletion file: every notice in it applied as if it had come over the exchange. */
  async import(
    agreementId: string,
    headers: { manifest?: string; signature?: string; contentType: string },
    body: Readable,
  ): Promise<{ notices: number; deleted: number }> {
    const agreement = await this.agreement(agreementId);
    const { manifest, bytes } = parseDeletionsManifest(agreement, headers.manifest);
    if (
      !headers.signature ||
      !manifestSignatureMatches(signingKey(this.keys.open(agreement)), bytes, headers.signature)
    )
      throw marketingError('PARTNER_SIGNATURE_INVALID', 'The deletion file is not signed under this agreement', {
        errors: [{ field: FILE_SIGNATURE_HEADER, message: 'does not match the manifest' }],
      });
    if (!headers.contentType.startsWith(FILE_TYPES.jsonl))
      throw validationFailed([{ field: 'content-type', message: `must be ${FILE_TYPES.jsonl}` }]);
    const lines = await readNotices(body, manifest);
    let deleted = 0;
    // Each notice is applied once (by its id): a file imported again deletes nothing more and answers the same.
    for (const n of lines) deleted += (await this.audiences.applyDeletion(agreement, n)).deleted;
    return { notices: lines.length, deleted };
  }
}

function parseDeletionsManifest(
  agreement: AgreementRow,
  header: string | undefined,
): { manifest: DeletionsManifest; bytes: Buffer } {
  const field = (f: string) => `${MANIFEST_HEADER}.${f}`;
  if (!header || header.length > MANIFEST_MAX_LENGTH)
    throw validationFailed([
      { field: MANIFEST_HEADER, message: `is required: base64url of the manifest, at most ${MANIFEST_MAX_LENGTH}` },
    ]);
  const bytes = Buffer.from(header, 'base64url');
  let m: Partial<DeletionsManifest>;
  try {
    m = JSON.parse(bytes.toString('utf8')) as Partial<DeletionsManifest>;
  } catch {
    throw validationFailed([{ field: MANIFEST_HEADER, message: 'must be base64url of a JSON manifest' }]);
  }
  const problems: FieldProblem[] = [];
  if (!m || typeof m !== 'object') problems.push({ field: MANIFEST_HEADER, message: 'must be a JSON object' });
  else {
    if (m.format !== DELETIONS_FORMAT)
      problems.push({ field: field('format'), message: `must be ${DELETIONS_FORMAT}` });
    if (m.agreement !== agreement.exchange_id)
      problems.push({ field: field('agreement'), message: "must be this agreement's exchange id" });
    if (!Number.isInteger(m.count) || (m.count as number) < 0 || (m.count as number) > DELETIONS_MAX_NOTICES)
      problems.push({ field: field('count'), message: `must be an integer from 0 to ${DELETIONS_MAX_NOTICES}` });
    if (typeof m.sha256 !== 'string' || !HASH.test(m.sha256))
      problems.push({ field: field('sha256'), message: 'must be the lower-case hex SHA-256 of the file' });
  }
  if (problems.length) throw validationFailed(problems);
  return { manifest: m as DeletionsManifest, bytes };
}

/** The file's notices, checked whole (bytes, SHA-256, count, each line) before any is applied. */
async function readNotices(body: Readable, manifest: DeletionsManifest): Promise<NoticeLine[]> {
  const sha = createHash('sha256');
  const decoder = new StringDecoder('utf8');
  let bytes = 0;
  let text = '';
  for await (const chunk of body as AsyncIterable<Buffer>) {
    bytes += chunk.length;
    if (bytes > MAX_BYTES) throw marketingError('PARTNER_FILE_TOO_LARGE', `The file is larger than ${MAX_BYTES} bytes`);
    sha.update(chunk);
    text += decoder.write(chunk);
  }
  text += decoder.end();
  const invalid = (field: string, message: string) =>
    marketingError('PARTNER_FILE_INVALID', 'The file is not the one the manifest describes', {
      errors: [{ field, message }],
    });
  if (sha.digest('hex') !== manifest.sha256) throw invalid('body', "does not have the manifest's SHA-256");
  const lines = text.split('\n').filter((l) => l.trim());
  if (lines.length !== manifest.count)
    throw invalid(`${MANIFEST_HEADER}.count`, `is ${manifest.count}, the file has ${lines.length}`);
  const hashes = (v: unknown) =>
    Array.isArray(v) && v.length <= 100 && v.every((h) => typeof h === 'string' && HASH.test(h));
  return lines.map((l, i) => {
    let o: Partial<NoticeLine>;
    try {
      o = JSON.parse(l) as Partial<NoticeLine>;
    } catch {
      throw invalid(`body.lines.${i + 1}`, 'is not JSON');
    }
    if (
      !o ||
      typeof o.noticeId !== 'string' ||
      !isUuid(o.noticeId) ||
      typeof o.issuedAt !== 'string' ||
      Number.isNaN(Date.parse(o.issuedAt)) ||
      !hashes(o.emailHashes) ||
      !hashes(o.phoneHashes)
    )
      throw invalid(`body.lines.${i + 1}`, 'must be {noticeId, issuedAt, emailHashes, phoneHashes} (at most 100 each)');
    return o as NoticeLine;
  });
}
