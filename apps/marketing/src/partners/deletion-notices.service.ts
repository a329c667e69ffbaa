import { Inject, Injectable } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import type { DataSource, EntityManager } from 'typeorm';
import { JobRunner } from '@crm/jobs';
import type { ErasurePartnerNotified } from '@crm/contracts';
import { uuidv7 } from '@crm/persistence';
import { MARKETING_SETTINGS, type MarketingSettings } from '../shared/marketing-settings';
import { PartnerClient, partnerProblem } from './partner-client';
import { findAgreement, findPartner, type AgreementRow, type PartnerRow } from './partners.repository';

export const DELETION_NOTICE_JOB = 'marketing-partner-deletion-notice';

/** SQL: notice `n`'s shares all went as files, so the partner is told by file (DeletionFilesService), not over the exchange. */
export const BY_FILE = `NOT EXISTS (SELECT 1 FROM partner_shares s WHERE s.id = ANY(n.share_ids) AND s.kind <> 'file')`;

interface NoticeRow {
  id: string;
  agreement_id: string;
  partner_id: string;
  contact_id: string;
  reason: 'consent_withdrawn' | 'erased';
  email_hashes: string[];
  phone_hashes: string[];
  status: string;
  attempts: number;
  created_at: Date;
}

/**
 * Deletion notices: when a contact withdraws partner-sharing consent (or is
 * erased), every partner that received them gets a signed notice naming the
 * hashes it holds, as a durable job retried with backoff; each attempt, its
 * error and the partner's answer are recorded on the notice.
 */
@Injectable()
export class DeletionNoticesService {
  constructor(
    @InjectDataSource() private readonly dataSource: DataSource,
    @Inject(MARKETING_SETTINGS) private readonly settings: MarketingSettings,
    private readonly client: PartnerClient,
    private readonly jobs: JobRunner,
  ) {
    jobs.register<{ noticeId: string }>({
      name: DELETION_NOTICE_JOB,
      retryLimit: settings.PARTNER_NOTICE_RETRIES,
      retryDelaySeconds: settings.PARTNER_NOTICE_RETRY_SECONDS,
      retryBackoff: true,
      pollingIntervalSeconds: 1,
      handler: ({ noticeId }) => this.deliver(noticeId),
    });
  }

  /**
   * One notice per agreement for the shares of this contact no notice has
   * covered yet, queued in the caller's transaction (the event's); with a
   * purpose, only for the shares made for it.
   */
  async queue(m: EntityManager, contactId: string, reason: NoticeRow['reason'], purpose?: string): Promise<number> {
    const pending: {
      agreement_id: string;
      partner_id: string;
      share_ids: string[];
      email_hashes: string[];
      phone_hashes: string[];
      by_file: boolean;
    }[] = await m.query(
      `SELECT s.agreement_id, s.partner_id, array_agg(s.id) AS share_ids, bool_and(s.kind = 'file') AS by_file,
              COALESCE(array_agg(DISTINCT c.email_hash) FILTER (WHERE c.email_hash IS NOT NULL), '{}') AS email_hashes,
              COALESCE(array_agg(DISTINCT c.phone_hash) FILTER (WHERE c.phone_hash IS NOT NULL), '{}') AS phone_hashes
         FROM partner_share_contacts c JOIN partner_shares s ON s.id = c.share_id
        WHERE c.contact_id = $1 AND (s.kind = 'share' OR (s.kind = 'file' AND s.status = 'delivered')) AND ($2::text IS NULL OR $2 = ANY(s.purposes))
          AND NOT EXISTS (SELECT 1 FROM partner_deletion_notices n WHERE n.contact_id = $1 AND s.id = ANY(n.share_ids))
        GROUP BY s.agreement_id, s.partner_id`,
      [contactId, purpose ?? null],
    );
    for (const p of pending) {
      if (!p.email_hashes.length && !p.phone_hashes.length) continue;
      const id = uuidv7();
      await m.query(
        `INSERT INTO partner_deletion_notices (id, agreement_id, partner_id, contact_id, reason, email_hashes, phone_hashes, share_ids)
         VALUES ($1, $2, $3, $4, $5, $6, $7, $8)`,
        [id, p.agreement_id, p.partner_id, contactId, reason, p.email_hashes, p.phone_hashes, p.share_ids],
      );
      // A partner that got them only as files runs no suite to post to: it is told by file (DeletionFilesService).
      if (!p.by_file) await this.jobs.send(DELETION_NOTICE_JOB, { noticeId: id }, { id }, m);
    }
    return pending.length;
  }

  /**
   * An erased contact: a notice to each partner that received them, then the
   * hashes kept in the share log are cleared (the notices carry them until
   * delivered). Returns the share-log rows cleared and every partner told to
   * delete the contact (now, or before on a consent withdrawal), for the receipt.
   */
  async forgetErasedContact(
    m: EntityManager,
    contactId: string,
  ): Promise<{ cleared: number; notified: ErasurePartnerNotified[] }> {
    await this.queue(m, contactId, 'erased');
    const notified: { id: string; partner_id: string; partner_name: string; agreement_id: string; reason: string }[] =
      await m.query(
        `SELECT n.id, n.partner_id, p.name AS partner_name, n.agreement_id, n.reason
           FROM partner_deletion_notices n JOIN partners p ON p.id = n.partner_id
          WHERE n.contact_id = $1 ORDER BY n.id`,
        [contactId],
      );
    const [, n] = await m.query(
      `UPDATE partner_share_contacts SET email_hash = NULL, phone_hash = NULL, country = NULL, age_band = NULL,
         rfm_segment = NULL WHERE contact_id = $1 AND (email_hash IS NOT NULL OR phone_hash IS NOT NULL)`,
      [contactId],
    );
    return {
      cleared: Number(n),
      notified: notified.map((r) => ({
        partnerId: r.partner_id,
        partnerName: r.partner_name,
        agreementId: r.agreement_id,
        noticeId: r.id,
        reason: r.reason,
      })),
    };
  }

  private async record(id: string, outcome: { error?: string; deleted?: number }): Promise<void> {
    if (outcome.error !== undefined) {
      await this.dataSource.query(
        `UPDATE partner_deletion_notices SET attempts = attempts + 1, last_error = $2,
           status = CASE WHEN attempts + 1 > $3 THEN 'failed' ELSE status END WHERE id = $1`,
        [id, outcome.error.slice(0, 500), this.settings.PARTNER_NOTICE_RETRIES],
      );
      return;
    }
    // Once the partner has deleted, the hashes of an erased contact are not kept here either.
    await this.dataSource.query(
      `UPDATE partner_deletion_notices SET attempts = attempts + 1, status = 'delivered', delivered_at = now(),
         partner_deleted = $2, last_error = NULL,
         email_hashes = CASE WHEN reason = 'erased' THEN '{}' ELSE email_hashes END,
         phone_hashes = CASE WHEN reason = 'erased' THEN '{}' ELSE phone_hashes END
       WHERE id = $1`,
      [id, outcome.deleted ?? 0],
    );
  }

  /** One attempt; a failure is recorded and thrown, so the job is retried with backoff. */
  async deliver(id: string): Promise<void> {
    const [n]: (NoticeRow & { by_file: boolean })[] = await this.dataSource.query(
      `SELECT n.*, ${BY_FILE} AS by_file FROM partner_deletion_notices n WHERE n.id = $1`,
      [id],
    );
    if (!n || n.status === 'delivered' || n.by_file) return;
    const agreement = (await findAgreement(this.dataSource.manager, n.agreement_id)) as AgreementRow;
    const partner = (await findPartner(this.dataSource.manager, n.partner_id)) as PartnerRow;
    let error: string | undefined;
    let deleted: number | undefined;
    try {
      const answer = await this.client.post<{ deleted?: unknown }>(partner, agreement, 'deletions', {
        noticeId: n.id,
        issuedAt: n.created_at.toISOString(),
        emailHashes: n.email_hashes,
        phoneHashes: n.phone_hashes,
      });
      if (answer.status === 200 && typeof answer.body?.deleted === 'number') deleted = answer.body.deleted;
      else error = partnerProblem(answer);
    } catch (e) {
      error = e instanceof Error ? e.message : String(e);
    }
    await this.record(id, error === undefined ? { deleted } : { error });
    if (error !== undefined) throw new Error(`deletion notice ${id} not delivered: ${error}`);
  }
}
