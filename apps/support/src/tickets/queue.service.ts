import { Injectable } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import type { DataSource } from 'typeorm';
import { decodeCursor, encodeCursor, isUuid } from '@crm/persistence';
import { validationFailed, type Page, type Principal } from '@crm/platform';
import { badCursor } from '../shared/support-errors';
import type { TicketQueueQuery } from './dto/ticket.dto';
import { toView, type TicketRow, type TicketView } from './ticket-view';

const OPEN = `t.status IN ('new', 'open', 'pending', 'on-hold')`;

/**
 * Queue views, keyset paged: all / team / unassigned / mine newest first (by
 * id, a UUIDv7, so creation order), breaching-soon by the nearest due time.
 * Each view has a partial index on the open statuses (see the migration).
 */
@Injectable()
export class QueueService {
  constructor(@InjectDataSource() private readonly dataSource: DataSource) {}

  async list(q: TicketQueueQuery, caller: Principal): Promise<Page<TicketView & { dueAt?: string }>> {
    const view = q.view ?? 'all';
    const limit = q.limit ?? 50;
    const where: string[] = [];
    const params: unknown[] = [];
    const p = (v: unknown) => {
      params.push(v);
      return `$${params.length}`;
    };
    if (q.status) where.push(`t.status = ${p(q.status)}`);
    else where.push(OPEN);
    if (q.priority) where.push(`t.priority = ${p(q.priority)}`);
    if (q.requesterId) where.push(`t.requester_id = ${p(q.requesterId)}`);
    if (q.assetId) where.push(`t.asset_id = ${p(q.assetId)}`);
    if (q.teamId) where.push(`t.team_id = ${p(q.teamId)}`);
    if (q.assigneeId) where.push(`t.assignee_id = ${p(q.assigneeId)}`);
    if (view === 'team' && !q.teamId)
      throw validationFailed([{ field: 'teamId', message: 'the team view needs teamId' }]);
    if (view === 'unassigned') where.push(`t.assignee_id IS NULL`);
    if (view === 'mine') where.push(`t.assignee_id = (SELECT id FROM agents WHERE subject = ${p(caller.subject)})`);

    if (view === 'breaching-soon') {
      const within = q.withinMinutes ?? 60;
      let after = '';
      if (q.cursor) {
        const [due, id] = decodeCursor(q.cursor, 2);
        if (typeof due !== 'string' || Number.isNaN(Date.parse(due)) || !isUuid(id)) throw badCursor();
        after = `AND (c.due_at, c.ticket_id) > (${p(due)}::timestamptz, ${p(id)}::uuid)`;
      }
      const rows: (TicketRow & { next_due: Date })[] = await this.dataSource.query(
        `SELECT t.*, c.due_at AS next_due
           FROM sla_clocks c JOIN tickets t ON t.id = c.ticket_id
          WHERE c.state = 'running' AND c.due_at <= now() + make_interval(mins => ${p(within)}) ${after}
            AND ${where.join(' AND ')}
          ORDER BY c.due_at, c.ticket_id LIMIT ${p(limit + 1)}`,
        params,
      );
      const items = rows.slice(0, limit).map((r) => ({ ...toView(r), dueAt: new Date(r.next_due).toISOString() }));
      const last = rows.length > limit ? rows[limit - 1] : null;
      return { items, nextCursor: last ? encodeCursor([new Date(last.next_due).toISOString(), last.id]) : null };
    }

    if (q.cursor) {
      const [id] = decodeCursor(q.cursor, 1);
      if (!isUuid(id)) throw badCursor();
      where.push(`t.id < ${p(id)}`);
    }
    const rows: TicketRow[] = await this.dataSource.query(
      `SELECT t.* FROM tickets t WHERE ${where.join(' AND ')} ORDER BY t.id DESC LIMIT ${p(limit + 1)}`,
      params,
    );
    const items = rows.slice(0, limit).map((r) => toView(r));
    return { items, nextCursor: rows.length > limit ? encodeCursor([items[items.length - 1].id]) : null };
  }
}
