import type { EntityManager } from 'typeorm';
import { SALES_ORDERS_EVENTS } from '@crm/contracts';
import { EventPublisher } from '@crm/messaging';
import { quotePayload, QUOTE_COLUMNS, type QuoteRow } from './quote-view';
import { quotesRepository as repo } from './quotes.repository';

const events = new EventPublisher('sales');

/** How many quotes one run expires at most; the schedule runs again for the rest. */
export const EXPIRY_BATCH = 500;

/**
 * Expires every sent, current quote whose validUntil day has passed at `now`
 * (UTC), each with its crm.sales.quote.expired event, in the caller's
 * transaction. Rows another run is expiring are skipped, not waited for, so
 * overlapping runs expire each quote once. Returns how many it expired.
 */
export async function expireDueQuotes(manager: EntityManager, now: Date): Promise<number> {
  const day = now.toISOString().slice(0, 10);
  const rows: [QuoteRow[], number] = await manager.query(
    `UPDATE quotes SET status = 'expired', expired_at = $2, version = version + 1, updated_at = $2
      WHERE id IN (SELECT id FROM quotes
                    WHERE status = 'sent' AND superseded_by IS NULL AND valid_until < $1::date
                    ORDER BY valid_until, id LIMIT ${EXPIRY_BATCH} FOR UPDATE SKIP LOCKED)
      RETURNING ${QUOTE_COLUMNS}`,
    [day, now],
  );
  const expired = rows[0];
  if (!expired.length) return 0;
  const lines = await repo.lines(
    manager,
    expired.map((q) => q.id),
  );
  await events.publishAll(
    manager,
    expired.map((q) => ({
      type: SALES_ORDERS_EVENTS.quoteExpired,
      subject: q.id,
      version: q.version,
      data: quotePayload(
        q,
        lines.filter((l) => l.quote_id === q.id),
      ),
    })),
  );
  return expired.length;
}
