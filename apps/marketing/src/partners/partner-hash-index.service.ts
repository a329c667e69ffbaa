import { Injectable, Logger } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import type { DataSource, EntityManager } from 'typeorm';
import { JobRunner } from '@crm/jobs';
import { emailHash, matchingKey, phoneHash } from './partner-crypto';
import { PartnerKeys } from './partner-keys';
import { matchOwnContacts } from './audience.repository';

export const HASH_INDEX_JOB = 'marketing-partner-hash-index';
export const HASH_INDEX_SWEEP_JOB = 'marketing-partner-hash-index-sweep';
const PAGE = 5000;

interface Keyed {
  id: string;
  key: Buffer;
}

interface IndexRow {
  agreementId: string;
  hash: string;
  kind: 'email' | 'phone';
  contactId: string;
}

function rowsFor(agreements: Keyed[], c: { contact_id: string; email: string | null; phone: string | null }) {
  const out: IndexRow[] = [];
  for (const a of agreements) {
    const e = emailHash(a.key, c.email);
    if (e) out.push({ agreementId: a.id, hash: e, kind: 'email', contactId: c.contact_id });
    const p = phoneHash(a.key, c.phone);
    if (p) out.push({ agreementId: a.id, hash: p, kind: 'phone', contactId: c.contact_id });
  }
  return out;
}

async function insertRows(m: EntityManager, rows: IndexRow[]): Promise<void> {
  if (!rows.length) return;
  await m.query(
    `INSERT INTO partner_contact_hashes (agreement_id, hash, kind, contact_id)
     SELECT * FROM unnest($1::uuid[], $2::text[], $3::text[], $4::uuid[]) ON CONFLICT DO NOTHING`,
    [rows.map((r) => r.agreementId), rows.map((r) => r.hash), rows.map((r) => r.kind), rows.map((r) => r.contactId)],
  );
}

/**
 * The per-agreement hash index (`partner_contact_hashes`): hash -> own
 * contact, for every agreement not terminated. A job builds it once for a
 * new key (pages of contacts under share locks, so a contact event being
 * applied is either seen by the page or re-indexes after it); each contact
 * event re-indexes that contact. Until an agreement's index is ready,
 * matching hashes every contact as before.
 */
@Injectable()
export class PartnerHashIndex {
  private readonly logger = new Logger('PartnerHashIndex');

  constructor(
    @InjectDataSource() private readonly dataSource: DataSource,
    private readonly keys: PartnerKeys,
    private readonly jobs: JobRunner,
  ) {
    jobs.register<{ agreementId: string }>({
      name: HASH_INDEX_JOB,
      expireInSeconds: 3600,
      handler: ({ agreementId }) => this.build(agreementId),
    });
    jobs.register({
      name: HASH_INDEX_SWEEP_JOB,
      cron: '*/10 * * * *',
      policy: 'singleton',
      expireInSeconds: 3600,
      handler: () => this.sweep(),
    });
  }

  /**
   * Agreements whose index was never completed (made before the index
   * existed, or a build that failed past its retries) are built by the sweep;
   * a young one is left to its own build job.
   */
  async sweep(): Promise<void> {
    const pending: { id: string }[] = await this.dataSource.query(
      `SELECT id FROM partner_agreements WHERE status <> 'terminated' AND NOT hash_index_ready
          AND created_at < now() - interval '10 minutes' ORDER BY id LIMIT 100`,
    );
    for (const { id } of pending) await this.build(id);
  }

  async queueBuild(m: EntityManager, agreementId: string): Promise<void> {
    await this.jobs.send(HASH_INDEX_JOB, { agreementId }, { singletonKey: agreementId }, m);
  }

  async build(agreementId: string): Promise<void> {
    const [a]: { id: string; shared_key_sealed: string; status: string }[] = await this.dataSource.query(
      `SELECT id, shared_key_sealed, status FROM partner_agreements WHERE id = $1`,
      [agreementId],
    );
    if (!a || a.status === 'terminated') return;
    const keyed = [{ id: a.id, key: matchingKey(this.keys.open(a)) }];
    let after = '00000000-0000-0000-0000-000000000000';
    for (;;) {
      const n = await this.dataSource.transaction(async (m) => {
        const page: { contact_id: string; email: string | null; phone: string | null }[] = await m.query(
          `SELECT contact_id, email, phone FROM contact_mirror
            WHERE status = 'active' AND contact_id > $1 AND (email IS NOT NULL OR phone IS NOT NULL)
            ORDER BY contact_id LIMIT ${PAGE} FOR SHARE`,
          [after],
        );
        await insertRows(
          m,
          page.flatMap((c) => rowsFor(keyed, c)),
        );
        if (page.length) after = page[page.length - 1].contact_id;
        return page.length;
      });
      if (n < PAGE) break;
    }
    await this.dataSource.query(`UPDATE partner_agreements SET hash_index_ready = true WHERE id = $1`, [agreementId]);
  }

  /**
   * After the mirror applied a contact event (same transaction): the
   * contact's hashes under every agreement not terminated, from the row as
   * it is now; none when it is no longer active.
   */
  async reindexContact(m: EntityManager, contactId: string): Promise<void> {
    const agreements: { id: string; shared_key_sealed: string }[] = await m.query(
      `SELECT id, shared_key_sealed FROM partner_agreements WHERE status <> 'terminated'`,
    );
    if (!agreements.length) return;
    await m.query(`DELETE FROM partner_contact_hashes WHERE contact_id = $1`, [contactId]);
    const [c]: { contact_id: string; email: string | null; phone: string | null; status: string }[] = await m.query(
      `SELECT contact_id, email, phone, status FROM contact_mirror WHERE contact_id = $1`,
      [contactId],
    );
    if (!c || c.status !== 'active') return;
    const { keyed, failed } = this.keyed(agreements);
    if (failed.length)
      await m.query(
        `UPDATE partner_agreements SET hash_index_ready = false WHERE id = ANY($1::uuid[]) AND hash_index_ready`,
        [failed],
      );
    await insertRows(m, rowsFor(keyed, c));
  }

  /**
   * The agreements' matching keys. One whose key does not open (the master
   * key was changed) is left out and its index marked not ready, so a
   * misconfiguration stops partner matching, not the contact mirror.
   */
  private keyed(agreements: { id: string; shared_key_sealed: string }[]): { keyed: Keyed[]; failed: string[] } {
    const keyed: Keyed[] = [];
    const failed: string[] = [];
    for (const a of agreements) {
      try {
        keyed.push({ id: a.id, key: matchingKey(this.keys.open(a)) });
      } catch (error) {
        this.logger.warn(`partner hash index: ${(error as Error).message}`);
        failed.push(a.id);
      }
    }
    return { keyed, failed };
  }

  /** An agreement that ends needs no index. */
  async drop(m: EntityManager, agreementId: string): Promise<void> {
    await m.query(`DELETE FROM partner_contact_hashes WHERE agreement_id = $1`, [agreementId]);
    await m.query(`UPDATE partner_agreements SET hash_index_ready = false WHERE id = $1`, [agreementId]);
  }

  /** hash -> own active contact for the wanted hashes: one indexed lookup, or every contact hashed until ready. */
  async match(
    m: EntityManager,
    agreement: { id: string; shared_key_sealed: string },
    wanted: Set<string>,
  ): Promise<Map<string, string>> {
    const [ready]: { hash_index_ready: boolean }[] = await m.query(
      `SELECT hash_index_ready FROM partner_agreements WHERE id = $1`,
      [agreement.id],
    );
    if (!ready?.hash_index_ready) return matchOwnContacts(m, this.keys.open(agreement), wanted);
    const found = new Map<string, string>();
    const rows: { hash: string; contact_id: string }[] = await m.query(
      `SELECT hash, contact_id FROM partner_contact_hashes WHERE agreement_id = $1 AND hash = ANY($2::text[])`,
      [agreement.id, [...wanted]],
    );
    for (const r of rows) found.set(r.hash, r.contact_id);
    return found;
  }
}
