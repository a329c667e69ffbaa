import { Inject, Injectable } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import { createHash } from 'node:crypto';
import type { Readable } from 'node:stream';
import type { DataSource, EntityManager } from 'typeorm';
import { inTransaction, returnedRows, uuidv7 } from '@crm/persistence';
import { validationFailed } from '@crm/platform';
import { marketingError } from '../shared/marketing-errors';
import { MARKETING_SETTINGS, type MarketingSettings } from '../shared/marketing-settings';
import { agreementInForce } from './agreement-status';
import { consentedAudience, requiredPurposes } from './audience.repository';
import { manifestSignatureMatches, signingKey, signManifest } from './partner-crypto';
import {
  FILE_FORMAT,
  FILE_SIGNATURE_HEADER,
  FILE_TYPES,
  line,
  MANIFEST_HEADER,
  parseManifest,
  readRecords,
  type FileEncoding,
  type FileManifest,
  type ShareContactRow,
} from './partner-file-format';
import { PartnerAudiencesService, type PartnerAudienceView } from './partner-audiences.service';
import { PartnerHashIndex } from './partner-hash-index.service';
import { PartnerKeys } from './partner-keys';
import { findAgreement, findPartner, type AgreementRow, type PartnerRow } from './partners.repository';
import type { ShareableField } from './shareable-fields';
import { shareExpiry } from './sharing.service';

export interface FileExportView {
  id: string;
  shareId: string;
  agreementId: string;
  encoding: FileEncoding;
  contacts: number;
  createdAt: string;
  expiresAt: string;
  downloadedAt: string | null;
  downloadedBy: string | null;
  manifest: FileManifest | null;
  signature: string | null;
}

interface FileRow {
  id: string;
  share_id: string;
  agreement_id: string;
  encoding: FileEncoding;
  expires_at: Date;
  created_at: Date;
  manifest: FileManifest | null;
  signature: string | null;
  downloaded_at: Date | null;
  downloaded_by: string | null;
  contacts: number;
}

const PAGE = 5000;

function fileView(r: FileRow): FileExportView {
  return {
    id: r.id,
    shareId: r.share_id,
    agreementId: r.agreement_id,
    encoding: r.encoding,
    contacts: r.contacts,
    createdAt: r.created_at.toISOString(),
    expiresAt: r.expires_at.toISOString(),
    downloadedAt: r.downloaded_at?.toISOString() ?? null,
    downloadedBy: r.downloaded_by,
    manifest: r.manifest,
    signature: r.signature,
  };
}

/**
 * Signed file exchange for partners that run no suite. Export: a consented
 * segment (k applies) becomes a file share, downloaded once as CSV or JSON
 * lines of keyed hashes and the allowed fields, with a manifest (agreement,
 * count, created, expiry, SHA-256 of the bytes) and its detached HMAC
 * signature in headers. Import: a partner's signed file becomes a partner
 * audience, streamed, checked and matched in batches, kept only when whole,
 * intact and at least k.
 */
@Injectable()
export class PartnerFilesService {
  constructor(
    @InjectDataSource() private readonly dataSource: DataSource,
    @Inject(MARKETING_SETTINGS) private readonly settings: MarketingSettings,
    private readonly keys: PartnerKeys,
    private readonly hashIndex: PartnerHashIndex,
    private readonly audiences: PartnerAudiencesService,
  ) {}

  private async agreementInForce(id: string): Promise<{ agreement: AgreementRow; partner: PartnerRow }> {
    const agreement = await findAgreement(this.dataSource.manager, id);
    if (!agreement) throw marketingError('AGREEMENT_NOT_FOUND', `No agreement ${id}`);
    if (!agreementInForce(agreement))
      throw marketingError('AGREEMENT_NOT_IN_FORCE', `Agreement ${id} is ${agreement.status} or outside its validity`);
    return { agreement, partner: (await findPartner(this.dataSource.manager, agreement.partner_id)) as PartnerRow };
  }

  async createExport(
    agreementId: string,
    dto: { segmentId: string; expiresAt?: string; encoding?: FileEncoding },
    actor: string,
  ): Promise<FileExportView> {
    const { agreement } = await this.agreementInForce(agreementId);
    const seg: unknown[] = await this.dataSource.query(`SELECT 1 FROM segments WHERE id = $1`, [dto.segmentId]);
    if (!seg.length) throw marketingError('SEGMENT_NOT_FOUND', `No segment ${dto.segmentId}`);
    const expires = shareExpiry(agreement.valid_until, dto.expiresAt);
    const key = this.keys.open(agreement);
    const k = agreement.min_audience_size;
    const shareId = uuidv7();
    const fileId = uuidv7();
    const count = await inTransaction(this.dataSource, async (m) => {
      const records = await consentedAudience(m, dto.segmentId, agreement, key, true);
      const refused = records.length < k;
      await m.query(
        `INSERT INTO partner_shares (id, kind, agreement_id, partner_id, segment_id, fields, purposes, audience_count,
           status, reason, expires_at, actor, completed_at)
         VALUES ($1, 'file', $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12)`,
        [
          shareId,
          agreement.id,
          agreement.partner_id,
          dto.segmentId,
          agreement.fields,
          agreement.purposes,
          records.length,
          refused ? 'refused' : 'ready',
          refused ? 'AUDIENCE_BELOW_THRESHOLD: consented audience' : null,
          expires,
          actor,
          refused ? new Date() : null,
        ],
      );
      if (refused) return records.length;
      await m.query(
        `INSERT INTO partner_share_contacts (share_id, contact_id, email_hash, phone_hash, country, age_band, rfm_segment)
           SELECT $1, * FROM unnest($2::uuid[], $3::text[], $4::text[], $5::text[], $6::text[], $7::text[])`,
        [
          shareId,
          records.map((r) => r.contactId),
          records.map((r) => r.record.emailHash ?? null),
          records.map((r) => r.record.phoneHash ?? null),
          records.map((r) => r.record.country ?? null),
          records.map((r) => r.record.ageBand ?? null),
          records.map((r) => r.record.rfmSegment ?? null),
        ],
      );
      await m.query(
        `INSERT INTO partner_files (id, share_id, agreement_id, encoding, expires_at) VALUES ($1, $2, $3, $4, $5)`,
        [fileId, shareId, agreement.id, dto.encoding ?? 'csv', expires],
      );
      return records.length;
    });
    if (count < k)
      throw marketingError(
        'AUDIENCE_BELOW_THRESHOLD',
        `The consented audience is below the agreement's minimum audience size (${k}): no file is made`,
        { minAudienceSize: k, audience: count },
      );
    return this.getExport(fileId);
  }

  private async fileRow(m: EntityManager, id: string): Promise<FileRow | undefined> {
    const rows: FileRow[] = await m.query(
      `SELECT f.*, s.audience_count AS contacts FROM partner_files f JOIN partner_shares s ON s.id = f.share_id
        WHERE f.id = $1`,
      [id],
    );
    return rows[0];
  }

  async getExport(id: string): Promise<FileExportView> {
    const row = await this.fileRow(this.dataSource.manager, id);
    if (!row) throw marketingError('PARTNER_FILE_NOT_FOUND', `No partner file ${id}`);
    return fileView(row);
  }

  /**
   * The one download. Claimed first (a second answers 410), then the share's
   * contacts who no longer consent or were erased meanwhile are left out and
   * the share is logged delivered with its final count; the bytes are read
   * twice from one snapshot (for the manifest's SHA-256, then to send).
   */
  async download(
    id: string,
    actor: string,
  ): Promise<{ contentType: string; headers: Record<string, string>; body: AsyncGenerator<string> }> {
    const claimed = await inTransaction(this.dataSource, async (m) => {
      const [row] = returnedRows<FileRow>(
        await m.query(
          `UPDATE partner_files SET downloaded_at = clock_timestamp(), downloaded_by = $2
            WHERE id = $1 AND downloaded_at IS NULL RETURNING *`,
          [id, actor],
        ),
      );
      if (!row) {
        if (await this.fileRow(m, id))
          throw marketingError('PARTNER_FILE_ALREADY_DOWNLOADED', `Partner file ${id} was downloaded already`);
        throw marketingError('PARTNER_FILE_NOT_FOUND', `No partner file ${id}`);
      }
      const agreement = (await findAgreement(m, row.agreement_id)) as AgreementRow;
      if (!agreementInForce(agreement))
        throw marketingError('AGREEMENT_NOT_IN_FORCE', `Agreement ${agreement.id} is ${agreement.status} now`);
      // Under the contacts' mirror row locks, as a share is made: a withdrawal is either seen here or sees this share.
      await m.query(
        `SELECT 1 FROM partner_share_contacts c JOIN contact_mirror m ON m.contact_id = c.contact_id
          WHERE c.share_id = $1 ORDER BY m.contact_id FOR SHARE OF m`,
        [row.share_id],
      );
      await m.query(
        `DELETE FROM partner_share_contacts c WHERE c.share_id = $1 AND NOT (
           (c.email_hash IS NOT NULL OR c.phone_hash IS NOT NULL)
           AND EXISTS (SELECT 1 FROM contact_mirror m WHERE m.contact_id = c.contact_id AND m.status = 'active')
           AND EXISTS (SELECT 1 FROM consent_mirror k WHERE k.contact_id = c.contact_id AND k.granted
                          AND k.purpose = ANY($2::text[])
                        GROUP BY k.channel HAVING count(DISTINCT k.purpose) = cardinality($2::text[])))`,
        [row.share_id, requiredPurposes(agreement.purposes)],
      );
      await m.query(
        `UPDATE partner_shares SET status = 'delivered', completed_at = now(),
           audience_count = (SELECT count(*) FROM partner_share_contacts WHERE share_id = $1) WHERE id = $1`,
        [row.share_id],
      );
      return { row, agreement };
    });
    const { row, agreement } = claimed;
    const fields = agreement.fields as ShareableField[];
    const runner = this.dataSource.createQueryRunner();
    await runner.connect();
    await runner.startTransaction('REPEATABLE READ');
    const release = async () => {
      if (runner.isReleased) return;
      await runner.commitTransaction().catch(() => undefined);
      await runner.release();
    };
    const lines = async function* (): AsyncGenerator<string> {
      if (row.encoding === 'csv') yield `${fields.join(',')}\n`;
      let after = '00000000-0000-0000-0000-000000000000';
      for (;;) {
        const page: (ShareContactRow & { contact_id: string })[] = await runner.query(
          `SELECT contact_id, email_hash, phone_hash, country, age_band, rfm_segment FROM partner_share_contacts
            WHERE share_id = $1 AND contact_id > $2 ORDER BY contact_id LIMIT ${PAGE}`,
          [row.share_id, after],
        );
        for (const r of page) yield line(row.encoding, fields, r);
        if (page.length < PAGE) return;
        after = page[page.length - 1].contact_id;
      }
    };
    try {
      const sha = createHash('sha256');
      let count = row.encoding === 'csv' ? -1 : 0;
      for await (const l of lines()) {
        sha.update(l);
        count++;
      }
      const manifest: FileManifest = {
        format: FILE_FORMAT,
        agreement: agreement.exchange_id,
        shareId: row.share_id,
        encoding: row.encoding,
        fields,
        purposes: agreement.purposes,
        count,
        createdAt: row.created_at.toISOString(),
        expiresAt: row.expires_at.toISOString(),
        sha256: sha.digest('hex'),
      };
      const manifestText = JSON.stringify(manifest);
      const signature = signManifest(signingKey(this.keys.open(agreement)), manifestText);
      await this.dataSource.query(`UPDATE partner_files SET manifest = $2, signature = $3 WHERE id = $1`, [
        id,
        manifestText,
        signature,
      ]);
      const body = (async function* () {
        try {
          yield* lines();
        } finally {
          await release();
        }
      })();
      return {
        contentType: `${FILE_TYPES[row.encoding]}; charset=utf-8`,
        headers: {
          [MANIFEST_HEADER]: Buffer.from(manifestText).toString('base64url'),
          [FILE_SIGNATURE_HEADER]: signature,
          'content-disposition': `attachment; filename="partner-share-${row.share_id}.${row.encoding}"`,
        },
        body,
      };
    } catch (error) {
      await release();
      throw error;
    }
  }

  private manifestOf(agreement: AgreementRow, header: string | undefined, signature: string | undefined) {
    const { manifest, bytes } = parseManifest(agreement, header);
    if (!signature || !manifestSignatureMatches(signingKey(this.keys.open(agreement)), bytes, signature))
      throw marketingError('PARTNER_SIGNATURE_INVALID', 'The file manifest is not signed under this agreement', {
        errors: [{ field: FILE_SIGNATURE_HEADER, message: 'does not match the manifest' }],
      });
    return manifest;
  }

  /**
   * A partner's signed file into a partner audience: manifest checked and its
   * signature verified before a byte is read, k checked on its count, then
   * streamed in batches matched through the hash index and held (no segment)
   * until the end, where the byte SHA-256 and the count must be the
   * manifest's and the members at least k; else everything is discarded.
   */
  async importFile(
    agreementId: string,
    headers: { manifest?: string; signature?: string; contentType: string },
    body: Readable,
  ): Promise<PartnerAudienceView> {
    const found = await findAgreement(this.dataSource.manager, agreementId);
    if (!found) throw marketingError('AGREEMENT_NOT_FOUND', `No agreement ${agreementId}`);
    const manifest = this.manifestOf(found, headers.manifest, headers.signature);
    const { agreement, partner } = await this.agreementInForce(agreementId);
    if (!headers.contentType.startsWith(FILE_TYPES[manifest.encoding]))
      throw validationFailed([
        { field: 'content-type', message: `must be ${FILE_TYPES[manifest.encoding]} (the manifest's encoding)` },
      ]);
    const k = agreement.min_audience_size;
    if (manifest.count < k)
      throw marketingError(
        'AUDIENCE_BELOW_THRESHOLD',
        `The file holds ${manifest.count} records, below the agreement's minimum audience size (${k})`,
        { minAudienceSize: k },
      );
    const expires = new Date(Math.min(Date.parse(manifest.expiresAt), agreement.valid_until.getTime()));
    // A file refused as damaged may be sent again; one imported (or refused for k) may not.
    const opened: { id: string }[] = await this.dataSource.query(
      `INSERT INTO partner_audiences (id, agreement_id, partner_id, remote_share_id, purposes, fields, shared_at, status,
         expires_at, via)
       VALUES ($1, $2, $3, $4, $5, $6, $7, 'receiving', $8, 'file')
       ON CONFLICT (agreement_id, remote_share_id) DO UPDATE SET status = 'receiving', reason = NULL, deleted_at = NULL,
         chunks_received = 0, received_count = 0, last_chunk_at = clock_timestamp(), expires_at = EXCLUDED.expires_at
         WHERE partner_audiences.status = 'refused' AND partner_audiences.reason = 'invalid'
       RETURNING id`,
      [
        uuidv7(),
        agreement.id,
        partner.id,
        manifest.shareId,
        manifest.purposes,
        manifest.fields,
        manifest.createdAt,
        expires,
      ],
    );
    if (!opened.length)
      throw marketingError(
        'PARTNER_FILE_ALREADY_IMPORTED',
        `Share ${manifest.shareId} was imported under this agreement already`,
      );
    const audienceId = opened[0].id;
    const progress = { bytes: 0, lines: 0, sha: createHash('sha256') };
    const discard = (reason: 'invalid' | 'below_threshold') =>
      inTransaction(this.dataSource, (m) => this.audiences.discard(m, audienceId, reason));
    try {
      for await (const batch of readRecords(body, manifest, progress, this.settings.PARTNER_FILE_MAX_BYTES)) {
        const wanted = new Set(batch.flatMap((r) => [r.emailHash, r.phoneHash].filter((h): h is string => !!h)));
        const found = await this.hashIndex.match(this.dataSource.manager, agreement, wanted);
        await inTransaction(this.dataSource, async (m) => {
          await this.audiences.take(m, audienceId, agreement.id, manifest.createdAt, batch, found);
          await m.query(
            `UPDATE partner_audiences SET chunks_received = chunks_received + 1, received_count = received_count + $2,
               last_chunk_at = clock_timestamp() WHERE id = $1`,
            [audienceId, batch.length],
          );
        });
      }
      const sha = progress.sha.digest('hex');
      if (sha !== manifest.sha256 || progress.lines !== manifest.count)
        throw marketingError('PARTNER_FILE_INVALID', 'The file is not the one the manifest describes', {
          errors: [
            sha !== manifest.sha256
              ? { field: 'body', message: "does not have the manifest's SHA-256" }
              : { field: `${MANIFEST_HEADER}.count`, message: `is ${manifest.count}, the file has ${progress.lines}` },
          ],
        });
    } catch (error) {
      await discard('invalid');
      throw error;
    }
    const outcome = await inTransaction(this.dataSource, (m) =>
      this.audiences.complete(m, audienceId, agreement, partner),
    );
    if (outcome === 'below_threshold')
      throw marketingError(
        'AUDIENCE_BELOW_THRESHOLD',
        `Fewer of the file's records are contacts here than the agreement's minimum audience size (${k}): all were discarded`,
        { minAudienceSize: k },
      );
    return this.audiences.get(audienceId);
  }
}
