import { Controller } from '@nestjs/common';
import { MessagePattern, Payload } from '@nestjs/microservices';
import { InjectDataSource } from '@nestjs/typeorm';
import type { DataSource } from 'typeorm';
import { SUPPORT_RPC, type SupportCustomerReply, type SupportSearchHit, type SupportSearchReply } from '@crm/contracts';
import { isUuid } from '@crm/persistence';
import { unstorableText, validationFailed } from '@crm/platform';

/** Request-reply for the gateway: the support part of the customer 360, and ticket search. */
@Controller()
export class SupportRpc {
  constructor(@InjectDataSource() private readonly dataSource: DataSource) {}

  @MessagePattern(SUPPORT_RPC.customerSummary)
  async customer(@Payload() payload: { contactId?: unknown } | null): Promise<SupportCustomerReply | null> {
    if (!isUuid(payload?.contactId)) return null;
    const id = payload.contactId;
    const [tickets, assets, csat] = await Promise.all([
      this.dataSource.query(
        `SELECT t.id, t.number::int AS number, t.subject, t.status, t.priority, t.asset_id AS "assetId",
                t.created_at AS "createdAt",
                (SELECT json_build_object('target', c.target, 'dueAt', c.due_at) FROM sla_clocks c
                  WHERE c.ticket_id = t.id AND c.state = 'running' ORDER BY c.due_at LIMIT 1) AS "nextDue"
           FROM tickets t WHERE t.requester_id = $1 AND t.status IN ('new', 'open', 'pending', 'on-hold')
          ORDER BY t.id DESC LIMIT 20`,
        [id],
      ) as Promise<SupportCustomerReply['openTickets']>,
      this.dataSource.query(
        `SELECT a.id, a.model, a.serial_number AS "serialNumber", a.bought_at AS "boughtAt",
                a.warranty_ends_at AS "warrantyEndsAt", a.status,
                (SELECT count(*)::int FROM tickets t WHERE t.asset_id = a.id) AS tickets
           FROM assets a WHERE a.contact_id = $1 ORDER BY a.id DESC LIMIT 50`,
        [id],
      ) as Promise<SupportCustomerReply['assets']>,
      this.dataSource.query(
        `SELECT score, comment, answered_at AS "answeredAt", ticket_id AS "ticketId" FROM csat_surveys
          WHERE requester_id = $1 AND answered_at IS NOT NULL ORDER BY answered_at DESC LIMIT 1`,
        [id],
      ) as Promise<NonNullable<SupportCustomerReply['lastCsat']>[]>,
    ]);
    return { openTickets: tickets, assets, lastCsat: csat[0] ?? null };
  }

  @MessagePattern(SUPPORT_RPC.search)
  async search(@Payload() payload: { q?: unknown; limit?: unknown } | null): Promise<SupportSearchReply> {
    const raw = typeof payload?.q === 'string' ? payload.q : '';
    const bad = unstorableText(raw);
    if (bad) throw validationFailed([{ field: 'q', message: bad }]);
    const q = Array.from(raw.trim()).slice(0, 200).join('');
    const limit =
      typeof payload?.limit === 'number' && Number.isFinite(payload.limit)
        ? Math.min(Math.max(1, Math.floor(payload.limit)), 50)
        : 10;
    if (q.length < 2) return { hits: [] };
    const like = `%${q.replace(/[%_\\]/g, '\\$&')}%`;
    const rows: { id: string; number: number; subject: string; status: SupportSearchHit['status'] }[] =
      await this.dataSource.query(
        `SELECT id, number::int AS number, subject, status FROM tickets
          WHERE merged_into IS NULL AND (subject ILIKE $1
             OR id IN (SELECT ticket_id FROM ticket_messages WHERE body ILIKE $1))
          ORDER BY id DESC LIMIT $2`,
        [like, limit],
      );
    return {
      hits: rows.map((r) => ({
        kind: 'ticket',
        id: r.id,
        title: r.subject,
        subtitle: `#${r.number}`,
        status: r.status,
      })),
    };
  }
}
