import { Injectable } from '@nestjs/common';
import type { EntityManager } from 'typeorm';
import { SALES_ORDERS_EVENTS, type SalesOrderPayload } from '@crm/contracts';
import { OnEvent, type CloudEvent, type EventHandler } from '@crm/messaging';
import {
  lockCustomer,
  lockCustomers,
  recomputeCustomerOrders,
  recomputeCustomersOrders,
  resolveCustomerSql,
} from './customer-orders.repository';
import { CustomerScoring } from '../scores/customer-scoring.service';
import { timed } from '../shared/ingest-metrics';

/**
 * Keeps orders (status, totals, refunds, lines) as the newest version of each
 * order says; every order event carries the whole order, so a stale or
 * repeated one changes nothing. Then the customer's purchase summary is
 * recomputed and, once a full scoring has run, the customer queued for
 * re-scoring (RescoreQueueWorker). A batch does the same in a few
 * statements: the newest version of each order in it upserted at once, then
 * every touched customer locked, summarised and queued together.
 */
@Injectable()
@OnEvent(
  SALES_ORDERS_EVENTS.orderPlaced,
  SALES_ORDERS_EVENTS.orderPaid,
  SALES_ORDERS_EVENTS.orderFulfilled,
  SALES_ORDERS_EVENTS.orderCancelled,
  SALES_ORDERS_EVENTS.orderRefunded,
)
export class ApplyOrderEventsHandler implements EventHandler<SalesOrderPayload> {
  constructor(private readonly scoring: CustomerScoring) {}

  async handle(event: CloudEvent<SalesOrderPayload>, manager: EntityManager): Promise<void> {
    const o = event.data;
    const version = event.version ?? o.version;
    const lines = linesOf(o);
    const contactId = o.contactId ?? null;
    const [resolved]: { id: string | null }[] = contactId
      ? await manager.query(`SELECT ${resolveCustomerSql('$1')} AS id`, [contactId])
      : [{ id: null }];
    const customerId = resolved.id;
    if (customerId) await lockCustomer(manager, customerId);
    const rows: { previous: string | null; customer_id: string | null }[] = await manager.query(
      `WITH previous AS (SELECT customer_id FROM orders WHERE order_id = $1)
       INSERT INTO orders AS o (order_id, version, customer_id, status, channel, currency, total_minor, refunded_minor,
                                placed_at, placed_day, deal_id, lines, updated_at)
       VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, ($9::timestamptz AT TIME ZONE 'UTC')::date, $10, $11::jsonb, clock_timestamp())
       ON CONFLICT (order_id) DO UPDATE SET
         version = EXCLUDED.version, customer_id = EXCLUDED.customer_id, status = EXCLUDED.status,
         channel = EXCLUDED.channel, currency = EXCLUDED.currency, total_minor = EXCLUDED.total_minor,
         refunded_minor = EXCLUDED.refunded_minor, placed_at = EXCLUDED.placed_at, placed_day = EXCLUDED.placed_day,
         deal_id = EXCLUDED.deal_id, lines = EXCLUDED.lines, updated_at = EXCLUDED.updated_at
       WHERE o.version < EXCLUDED.version
       RETURNING (SELECT customer_id FROM previous) AS previous, o.customer_id`,
      [
        o.id ?? event.subject,
        version,
        customerId,
        o.status,
        o.channel,
        o.currency,
        o.totalMinor,
        o.refundedMinor ?? 0,
        o.placedAt,
        o.dealId ?? null,
        JSON.stringify(lines),
      ],
    );
    const applied = rows[0];
    if (!applied) return;
    const touched = new Set([applied.customer_id, applied.previous].filter((c): c is string => !!c));
    for (const c of touched) {
      if (c !== customerId) await lockCustomer(manager, c);
      await recomputeCustomerOrders(manager, c);
    }
    await this.scoring.queueRescore(manager, [...touched]);
  }

  async handleBatch(events: CloudEvent<SalesOrderPayload>[], manager: EntityManager): Promise<void> {
    // One row per order: its newest version in the batch (the first of equal versions, as one by one would keep).
    const newest = new Map<string, OrderRow>();
    for (const event of events) {
      const o = event.data;
      const row: OrderRow = {
        order_id: o.id ?? event.subject,
        version: event.version ?? o.version,
        contact_id: o.contactId ?? null,
        status: o.status,
        channel: o.channel,
        currency: o.currency,
        total_minor: o.totalMinor,
        refunded_minor: o.refundedMinor ?? 0,
        placed_at: o.placedAt,
        deal_id: o.dealId ?? null,
        lines: linesOf(o),
      };
      const seen = newest.get(row.order_id);
      if (!seen || row.version > seen.version) newest.set(row.order_id, row);
    }
    const orders = [...newest.values()];
    const col = <K extends keyof OrderRow>(k: K) => orders.map((r) => r[k]);
    // The customers the orders go to are locked first, as one by one does; the upsert resolves them again after
    // the wait, so a merge committed meanwhile is followed.
    const contacts = [...new Set(orders.flatMap((r) => (r.contact_id ? [r.contact_id] : [])))];
    const resolved: { id: string }[] = contacts.length
      ? await timed('resolve customers', () =>
          manager.query(`SELECT ${resolveCustomerSql('c')} AS id FROM unnest($1::uuid[]) AS t(c)`, [contacts]),
        )
      : [];
    await timed('lock customers', () =>
      lockCustomers(
        manager,
        resolved.map((r) => r.id),
      ),
    );
    const rows: { customer_id: string | null; previous: string | null }[] = await timed('upsert orders', () =>
      manager.query(
        `WITH input AS (
           SELECT * FROM unnest($1::uuid[], $2::int[], $3::uuid[], $4::text[], $5::text[], $6::text[], $7::bigint[],
                                $8::bigint[], $9::timestamptz[], $10::uuid[], $11::jsonb[])
                    AS t(order_id, version, contact_id, status, channel, currency, total_minor, refunded_minor, placed_at,
                         deal_id, lines)
         ), previous AS (SELECT o.order_id, o.customer_id FROM orders o JOIN input i ON i.order_id = o.order_id),
         up AS (
           INSERT INTO orders AS o (order_id, version, customer_id, status, channel, currency, total_minor, refunded_minor,
                                    placed_at, placed_day, deal_id, lines, updated_at)
           SELECT i.order_id, i.version, ${resolveCustomerSql('i.contact_id')}, i.status, i.channel, i.currency,
                  i.total_minor, i.refunded_minor, i.placed_at, (i.placed_at AT TIME ZONE 'UTC')::date, i.deal_id, i.lines,
                  clock_timestamp()
             FROM input i
           ON CONFLICT (order_id) DO UPDATE SET
             version = EXCLUDED.version, customer_id = EXCLUDED.customer_id, status = EXCLUDED.status,
             channel = EXCLUDED.channel, currency = EXCLUDED.currency, total_minor = EXCLUDED.total_minor,
             refunded_minor = EXCLUDED.refunded_minor, placed_at = EXCLUDED.placed_at, placed_day = EXCLUDED.placed_day,
             deal_id = EXCLUDED.deal_id, lines = EXCLUDED.lines, updated_at = EXCLUDED.updated_at
           WHERE o.version < EXCLUDED.version
           RETURNING o.order_id, o.customer_id)
         SELECT up.customer_id, p.customer_id AS previous FROM up LEFT JOIN previous p ON p.order_id = up.order_id`,
        [
          col('order_id'),
          col('version'),
          col('contact_id'),
          col('status'),
          col('channel'),
          col('currency'),
          col('total_minor'),
          col('refunded_minor'),
          col('placed_at'),
          col('deal_id'),
          orders.map((r) => JSON.stringify(r.lines)),
        ],
      ),
    );
    const touched = [...new Set(rows.flatMap((r) => [r.customer_id, r.previous]).filter((c): c is string => !!c))];
    if (touched.length === 0) return;
    const locked = new Set(resolved.map((r) => r.id));
    const more = touched.filter((c) => !locked.has(c));
    if (more.length) await timed('lock customers', () => lockCustomers(manager, more));
    await timed('recompute summaries', () => recomputeCustomersOrders(manager, touched));
    await timed('queue re-scoring', () => this.scoring.queueRescore(manager, touched));
  }
}

interface OrderRow {
  order_id: string;
  version: number;
  contact_id: string | null;
  status: string;
  channel: string;
  currency: string;
  total_minor: number;
  refunded_minor: number;
  placed_at: string;
  deal_id: string | null;
  lines: ReturnType<typeof linesOf>;
}

function linesOf(o: SalesOrderPayload) {
  return (o.lines ?? []).map((l) => ({
    lineNo: l.lineNo,
    productId: l.productId,
    sku: l.sku,
    quantity: l.quantity,
    netMinor: l.netMinor,
    totalMinor: l.totalMinor,
    refundedMinor: l.refundedMinor ?? 0,
  }));
}
