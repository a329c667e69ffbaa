import { Injectable } from '@nestjs/common';
import type { EntityManager } from 'typeorm';
import { SALES_ORDERS_EVENTS, type SalesOrderPayload } from '@crm/contracts';
import { OnEvent, type CloudEvent, type EventHandler } from '@crm/messaging';
import {
  applySummaryDeltas,
  lockCustomers,
  lockCustomersOfContacts,
  resolveCustomerSql,
  type DayDelta,
} from './customer-orders.repository';
import { CustomerScoring } from '../scores/customer-scoring.service';
import { timed } from '../shared/ingest-metrics';

/**
 * Keeps orders (status, totals, refunds, lines) as the newest version of each
 * order says; every order event carries the whole order, so a stale or
 * repeated one changes nothing. Then the customer's purchase summary is
 * brought up to date from what the applied versions changed (applySummaryDeltas)
 * and, once a full scoring has run, the customer queued for re-scoring
 * (RescoreQueueWorker). A batch (a single event is a batch of one) takes four
 * statements: its customers resolved and locked, the newest version of each
 * order upserted at once, every touched customer's summary updated, the
 * customers queued.
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
    await this.handleBatch([event], manager);
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
    // The customers the orders go to are resolved and locked first, in one statement; the upsert resolves them
    // again after the wait, so a merge committed meanwhile is followed.
    const contacts = orders.flatMap((r) => (r.contact_id ? [r.contact_id] : []));
    const locked = new Set(
      contacts.length ? await timed('lock customers', () => lockCustomersOfContacts(manager, contacts)) : [],
    );
    // The batch goes as one JSON document (one parameter, parsed once by Postgres) rather than eleven arrays.
    // Each applied order comes back with what it was before (nothing for a new one), for the summaries' deltas.
    const rows: AppliedOrder[] = await timed('upsert orders', () =>
      manager.query(
        `WITH input AS (
           SELECT * FROM jsonb_to_recordset($1::jsonb)
                    AS t(order_id uuid, version int, contact_id uuid, status text, channel text, currency text,
                         total_minor bigint, refunded_minor bigint, placed_at timestamptz, deal_id uuid, lines jsonb)
         ), previous AS (
           SELECT o.order_id, o.customer_id, o.placed_day, o.status, o.total_minor - o.refunded_minor AS amount
             FROM orders o JOIN input i ON i.order_id = o.order_id
         ), up AS (
           INSERT INTO orders AS o (order_id, version, customer_id, status, channel, currency, total_minor, refunded_minor,
                                    placed_at, placed_day, deal_id, lines, updated_at)
           SELECT i.order_id, i.version, ${resolveCustomerSql('i.contact_id')}, i.status, i.channel, i.currency,
                  i.total_minor, i.refunded_minor, i.placed_at, (i.placed_at AT TIME ZONE 'UTC')::date, i.deal_id,
                  COALESCE(i.lines, '[]'), clock_timestamp()
             FROM input i
           ON CONFLICT (order_id) DO UPDATE SET
             version = EXCLUDED.version, customer_id = EXCLUDED.customer_id, status = EXCLUDED.status,
             channel = EXCLUDED.channel, currency = EXCLUDED.currency, total_minor = EXCLUDED.total_minor,
             refunded_minor = EXCLUDED.refunded_minor, placed_at = EXCLUDED.placed_at, placed_day = EXCLUDED.placed_day,
             deal_id = EXCLUDED.deal_id, lines = EXCLUDED.lines, updated_at = EXCLUDED.updated_at
           WHERE o.version < EXCLUDED.version
           RETURNING o.order_id, o.customer_id, o.placed_day, o.status, o.total_minor - o.refunded_minor AS amount)
         SELECT up.customer_id, up.placed_day::text AS day, up.status <> 'cancelled' AS counted, up.amount::text AS amount,
                p.order_id IS NOT NULL AS existed, p.customer_id AS old_customer, p.placed_day::text AS old_day,
                p.status <> 'cancelled' AS old_counted, p.amount::text AS old_amount
           FROM up LEFT JOIN previous p ON p.order_id = up.order_id`,
        [JSON.stringify(orders)],
      ),
    );
    if (rows.length === 0) return;
    const touched = new Set<string>();
    const deltas: DayDelta[] = [];
    for (const r of rows) {
      if (r.existed && r.old_customer && r.old_day) {
        touched.add(r.old_customer);
        if (r.old_counted)
          deltas.push({ customerId: r.old_customer, day: r.old_day, orders: -1, amountMinor: -Number(r.old_amount) });
        else deltas.push({ customerId: r.old_customer, day: r.old_day, orders: 0, amountMinor: 0 });
      }
      if (r.customer_id) {
        touched.add(r.customer_id);
        deltas.push({
          customerId: r.customer_id,
          day: r.day,
          orders: r.counted ? 1 : 0,
          amountMinor: r.counted ? Number(r.amount) : 0,
        });
      }
    }
    if (touched.size === 0) return;
    const more = [...touched].filter((c) => !locked.has(c));
    if (more.length) await timed('lock customers', () => lockCustomers(manager, more));
    await timed('update summaries', () => applySummaryDeltas(manager, deltas));
    await timed('queue re-scoring', () => this.scoring.queueRescore(manager, [...touched]));
  }
}

/** An order the upsert applied: its customer, day, whether it counts and its amount, now and before. */
interface AppliedOrder {
  customer_id: string | null;
  day: string;
  counted: boolean;
  amount: string;
  existed: boolean;
  old_customer: string | null;
  old_day: string | null;
  old_counted: boolean | null;
  old_amount: string | null;
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
