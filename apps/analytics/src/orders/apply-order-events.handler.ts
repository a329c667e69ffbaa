import { Injectable } from '@nestjs/common';
import type { EntityManager } from 'typeorm';
import { SALES_ORDERS_EVENTS, type SalesOrderPayload } from '@crm/contracts';
import { OnEvent, type CloudEvent, type EventHandler } from '@crm/messaging';
import { lockCustomer, recomputeCustomerOrders, resolveCustomerSql } from './customer-orders.repository';
import { CustomerScoring } from '../scores/customer-scoring.service';

/**
 * Keeps orders (status, totals, refunds, lines) as the newest version of each
 * order says; every order event carries the whole order, so a stale or
 * repeated one changes nothing. Then the customer's purchase summary is
 * recomputed and, once a model exists, the customer re-scored.
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
    const lines = (o.lines ?? []).map((l) => ({
      lineNo: l.lineNo,
      productId: l.productId,
      sku: l.sku,
      quantity: l.quantity,
      netMinor: l.netMinor,
      totalMinor: l.totalMinor,
      refundedMinor: l.refundedMinor ?? 0,
    }));
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
      await this.scoring.rescore(manager, c);
    }
  }
}
