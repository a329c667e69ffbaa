import { Injectable } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import type { DataSource } from 'typeorm';
import { decodeCursor, encodeCursor } from '@crm/persistence';
import type { Page } from '@crm/platform';
import { marketingError } from '../shared/marketing-errors';
import { BY_FILE } from './deletion-notices.service';

interface ShareRow {
  id: string;
  kind: string;
  agreement_id: string;
  partner_id: string;
  partner_name: string;
  segment_id: string | null;
  fields: string[];
  purposes: string[];
  audience_count: number;
  matched_count: number | null;
  status: string;
  reason: string | null;
  expires_at: Date | null;
  actor: string;
  created_at: Date;
  completed_at: Date | null;
}

export interface ShareView {
  id: string;
  kind: string;
  agreementId: string;
  partner: { id: string; name: string };
  segmentId: string | null;
  fields: string[];
  purposes: string[];
  /** Consented contacts in the share (for a match: whose hashes were counted). */
  contacts: number;
  matched: number | null;
  status: string;
  reason: string | null;
  expiresAt: string | null;
  actor: string;
  at: string;
  completedAt: string | null;
}

const SHARE_SELECT = `SELECT s.*, p.name AS partner_name FROM partner_shares s JOIN partners p ON p.id = s.partner_id`;

function toShareView(r: ShareRow): ShareView {
  return {
    id: r.id,
    kind: r.kind,
    agreementId: r.agreement_id,
    partner: { id: r.partner_id, name: r.partner_name },
    segmentId: r.segment_id,
    fields: r.fields,
    purposes: r.purposes,
    contacts: r.audience_count,
    matched: r.matched_count,
    status: r.status,
    reason: r.reason,
    expiresAt: r.expires_at?.toISOString() ?? null,
    actor: r.actor,
    at: r.created_at.toISOString(),
    completedAt: r.completed_at?.toISOString() ?? null,
  };
}

/** The share log (what, to whom, when, under which agreement, how many) and where one contact's data went. */
@Injectable()
export class ShareLogService {
  constructor(@InjectDataSource() private readonly dataSource: DataSource) {}

  async list(q: {
    limit?: number;
    cursor?: string;
    agreementId?: string;
    partnerId?: string;
  }): Promise<Page<ShareView>> {
    const limit = q.limit ?? 50;
    const after = q.cursor ? String(decodeCursor(q.cursor, 1)[0]) : null;
    const rows: ShareRow[] = await this.dataSource.query(
      `${SHARE_SELECT} WHERE ($1::uuid IS NULL OR s.id < $1::uuid) AND ($2::uuid IS NULL OR s.agreement_id = $2)
          AND ($3::uuid IS NULL OR s.partner_id = $3) ORDER BY s.id DESC LIMIT $4`,
      [after, q.agreementId ?? null, q.partnerId ?? null, limit + 1],
    );
    const items = rows.slice(0, limit).map(toShareView);
    return { items, nextCursor: rows.length > limit ? encodeCursor([items[items.length - 1].id]) : null };
  }

  async get(id: string): Promise<ShareView> {
    const rows: ShareRow[] = await this.dataSource.query(`${SHARE_SELECT} WHERE s.id = $1`, [id]);
    if (!rows.length) throw marketingError('PARTNER_SHARE_NOT_FOUND', `No share ${id}`);
    return toShareView(rows[0]);
  }

  /** Every share that carried this contact and every deletion notice sent for them. */
  async forContact(contactId: string) {
    const shares: ShareRow[] = await this.dataSource.query(
      `${SHARE_SELECT} JOIN partner_share_contacts c ON c.share_id = s.id WHERE c.contact_id = $1 ORDER BY s.id`,
      [contactId],
    );
    const notices: {
      id: string;
      partner_id: string;
      partner_name: string;
      agreement_id: string;
      reason: string;
      share_ids: string[];
      status: string;
      attempts: number;
      last_error: string | null;
      partner_deleted: number | null;
      created_at: Date;
      delivered_at: Date | null;
      by_file: boolean;
    }[] = await this.dataSource.query(
      `SELECT n.*, p.name AS partner_name, ${BY_FILE} AS by_file FROM partner_deletion_notices n JOIN partners p ON p.id = n.partner_id
        WHERE n.contact_id = $1 ORDER BY n.id`,
      [contactId],
    );
    return {
      contactId,
      shares: shares.map((r) => {
        const v = toShareView(r);
        return {
          shareId: v.id,
          partner: v.partner,
          agreementId: v.agreementId,
          fields: v.fields,
          purposes: v.purposes,
          status: v.status,
          sharedAt: v.at,
          expiresAt: v.expiresAt,
        };
      }),
      deletionNotices: notices.map((n) => ({
        id: n.id,
        partner: { id: n.partner_id, name: n.partner_name },
        agreementId: n.agreement_id,
        reason: n.reason,
        shareIds: n.share_ids,
        status: n.status,
        attempts: n.attempts,
        lastError: n.last_error,
        partnerDeleted: n.partner_deleted,
        createdAt: n.created_at.toISOString(),
        deliveredAt: n.delivered_at?.toISOString() ?? null,
        via: n.by_file ? 'file' : 'suite',
      })),
    };
  }

  /** For a data protection officer: per agreement, what went out, what was deleted, what is held from the partner. */
  async report() {
    const rows: {
      agreement_id: string;
      agreement_name: string;
      status: string;
      purposes: string[];
      fields: string[];
      valid_until: Date;
      partner_id: string;
      partner_name: string;
      shares: number;
      delivered: number;
      refused: number;
      failed: number;
      contacts: number;
      last_shared_at: Date | null;
      notices_pending: number;
      notices_delivered: number;
      notices_failed: number;
      notices_by_file: number;
      audiences_active: number;
      members_held: number;
      audiences_deleted: number;
    }[] = await this.dataSource.query(`
      SELECT g.id AS agreement_id, g.name AS agreement_name, g.status, g.purposes, g.fields, g.valid_until,
             p.id AS partner_id, p.name AS partner_name,
             (SELECT count(*) FROM partner_shares s WHERE s.agreement_id = g.id AND s.kind IN ('share', 'file'))::int AS shares,
             (SELECT count(*) FROM partner_shares s WHERE s.agreement_id = g.id AND s.kind IN ('share', 'file') AND s.status = 'delivered')::int AS delivered,
             (SELECT count(*) FROM partner_shares s WHERE s.agreement_id = g.id AND s.status = 'refused')::int AS refused,
             (SELECT count(*) FROM partner_shares s WHERE s.agreement_id = g.id AND s.status = 'failed')::int AS failed,
             (SELECT count(DISTINCT c.contact_id) FROM partner_share_contacts c JOIN partner_shares s ON s.id = c.share_id
               WHERE s.agreement_id = g.id)::int AS contacts,
             (SELECT max(s.created_at) FROM partner_shares s WHERE s.agreement_id = g.id AND s.status = 'delivered') AS last_shared_at,
             (SELECT count(*) FROM partner_deletion_notices n WHERE n.agreement_id = g.id AND n.status = 'pending')::int AS notices_pending,
             (SELECT count(*) FROM partner_deletion_notices n WHERE n.agreement_id = g.id AND n.status = 'delivered')::int AS notices_delivered,
             (SELECT count(*) FROM partner_deletion_notices n WHERE n.agreement_id = g.id AND n.status = 'failed')::int AS notices_failed,
             (SELECT count(*) FROM partner_deletion_notices n WHERE n.agreement_id = g.id AND n.status <> 'delivered'
                AND ${BY_FILE})::int AS notices_by_file,
             (SELECT count(*) FROM partner_audiences a WHERE a.agreement_id = g.id AND a.status = 'active')::int AS audiences_active,
             (SELECT count(*) FROM partner_audience_members m JOIN partner_audiences a ON a.id = m.audience_id
               WHERE a.agreement_id = g.id)::int AS members_held,
             (SELECT count(*) FROM partner_audiences a WHERE a.agreement_id = g.id AND a.status IN ('expired', 'deleted'))::int AS audiences_deleted
        FROM partner_agreements g JOIN partners p ON p.id = g.partner_id
       ORDER BY p.name, g.id LIMIT 1000`);
    return {
      generatedAt: new Date().toISOString(),
      agreements: rows.map((r) => ({
        agreement: {
          id: r.agreement_id,
          name: r.agreement_name,
          status: r.status,
          purposes: r.purposes,
          fields: r.fields,
          validUntil: r.valid_until.toISOString(),
        },
        partner: { id: r.partner_id, name: r.partner_name },
        sent: {
          shares: r.shares,
          delivered: r.delivered,
          refused: r.refused,
          failed: r.failed,
          contacts: r.contacts,
          lastSharedAt: r.last_shared_at?.toISOString() ?? null,
        },
        deletionNotices: {
          pending: r.notices_pending,
          delivered: r.notices_delivered,
          failed: r.notices_failed,
          toHandOver: r.notices_by_file,
        },
        received: {
          activeAudiences: r.audiences_active,
          membersHeld: r.members_held,
          deletedAudiences: r.audiences_deleted,
        },
      })),
    };
  }
}
