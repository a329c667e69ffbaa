import type { EntityManager } from 'typeorm';
import { decodeCursor, encodeCursor, isUuid } from '@crm/persistence';
import type { Page } from '@crm/platform';
import { salesError } from '../shared/sales-errors';
import { toView, type DealRow, type DealView } from './deal.mapper';
import { DEAL_SELECT } from './deals.repository';
import type { DealListQuery } from './dto/deal.dto';

const badCursor = () =>
  salesError('CURSOR_INVALID', 'The cursor is not valid', {
    errors: [{ field: 'cursor', message: 'is not a cursor of this listing' }],
  });

export type DealFilters = Omit<DealListQuery, 'limit' | 'cursor'>;

/** The list's filters as SQL over `deals d`, each filter one bound parameter; shared with the export. */
export function dealFilters(query: DealFilters): { where: string[]; params: unknown[] } {
  const where: string[] = [];
  const params: unknown[] = [];
  const add = (sql: string, value: unknown) => {
    params.push(value);
    where.push(sql.replace('?', `$${params.length}`));
  };
  if (query.pipelineId) add('d.pipeline_id = ?', query.pipelineId);
  if (query.stageId) add('d.stage_id = ?', query.stageId);
  if (query.ownerId) add('d.owner_id = ?', query.ownerId);
  if (query.contactId) add('d.contact_id = ?', query.contactId);
  if (query.accountId) add('d.account_id = ?', query.accountId);
  if (query.status) add('d.status = ?', query.status);
  if (query.currency) add('d.currency = ?', query.currency.toUpperCase());
  if (query.tag) add('d.tags @> ARRAY[?]::text[]', query.tag);
  if (query.q) add(`d.name ILIKE ? ESCAPE '\\'`, `%${query.q.replace(/[%_\\]/g, '\\$&')}%`);
  if (query.closeFrom) add('d.expected_close_date >= ?::date', query.closeFrom);
  if (query.closeTo) add('d.expected_close_date <= ?::date', query.closeTo);
  if (query.createdFrom) add(`d.created_at >= (?::date)::timestamp AT TIME ZONE 'UTC'`, query.createdFrom);
  if (query.createdTo) add(`d.created_at < ((?::date) + 1)::timestamp AT TIME ZONE 'UTC'`, query.createdTo);
  if (query.amountMin !== undefined) add('d.amount >= ?', query.amountMin);
  if (query.amountMax !== undefined) add('d.amount <= ?', query.amountMax);
  return { where, params };
}

/** Deals newest first (by id, a UUIDv7), keyset paged, with the issue's filters; each filter is one bound parameter. */
export async function listDeals(m: EntityManager, query: DealListQuery): Promise<Page<DealView>> {
  const limit = query.limit ?? 50;
  const { where, params } = dealFilters(query);
  const add = (sql: string, value: unknown) => {
    params.push(value);
    where.push(sql.replace('?', `$${params.length}`));
  };
  if (query.cursor) {
    const [after] = decodeCursor(query.cursor, 1);
    if (typeof after !== 'string' || !isUuid(after)) throw badCursor();
    add('d.id < ?', after);
  }
  params.push(limit + 1);
  const rows: DealRow[] = await m.query(
    `${DEAL_SELECT} ${where.length ? `WHERE ${where.join(' AND ')}` : ''} ORDER BY d.id DESC LIMIT $${params.length}`,
    params,
  );
  const items = rows.slice(0, limit).map(toView);
  return { items, nextCursor: rows.length > limit ? encodeCursor([items[items.length - 1].id]) : null };
}
