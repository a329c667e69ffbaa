import { Injectable } from '@nestjs/common';
import type { EntityManager } from 'typeorm';
import { SALES_ORDERS_EVENTS } from '@crm/contracts';
import { OnEvent, type CloudEvent, type EventHandler } from '@crm/messaging';
import { MembershipService } from '../segments/membership.service';
import { couponCodesOf, utmCampaignOf, type OrderFields } from './order-fields';
import { recomputeOrderFacts } from './order-facts';

export const ORDER_EVENTS = [
  SALES_ORDERS_EVENTS.orderPlaced,
  SALES_ORDERS_EVENTS.orderPaid,
  SALES_ORDERS_EVENTS.orderFulfilled,
  SALES_ORDERS_EVENTS.orderCancelled,
  SALES_ORDERS_EVENTS.orderRefunded,
];

/**
 * Keeps the orders marketing needs (status, total, products bought) by order
 * version, then recomputes the contact's order facts and re-evaluates only
 * that contact's memberships.
 */
@Injectable()
@OnEvent(...ORDER_EVENTS)
export class ApplyOrderFactsHandler implements EventHandler<OrderFields> {
  constructor(private readonly membership: MembershipService) {}

  async handle(event: CloudEvent<OrderFields>, manager: EntityManager): Promise<void> {
    const d = event.data ?? {};
    const contactId = typeof d.contactId === 'string' ? d.contactId : null;
    if (contactId)
      await manager.query(
        `INSERT INTO contact_mirror (contact_id, status) VALUES ($1, 'unknown') ON CONFLICT (contact_id) DO UPDATE SET updated_at = clock_timestamp()`,
        [contactId],
      );
    const lines = Array.isArray(d.lines) ? d.lines : [];
    const productIds = lines.map((l) => l.productId).filter((p): p is string => typeof p === 'string');
    const products = [...new Set([...productIds, ...lines.map((l) => l.sku).filter((s): s is string => !!s)])];
    const categories: { category: string }[] = productIds.length
      ? await manager.query(
          `SELECT DISTINCT category FROM mirror_products WHERE product_id = ANY($1::uuid[]) AND category IS NOT NULL`,
          [productIds],
        )
      : [];
    const total = Number(d.totalMinor ?? 0) - Number(d.refundedMinor ?? 0);
    const applied: unknown[] = await manager.query(
      `INSERT INTO mirror_orders AS o (order_id, contact_id, version, status, currency, total_minor, placed_at, products,
                                       categories, coupon_codes, utm_campaign)
       VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11)
       ON CONFLICT (order_id) DO UPDATE SET contact_id = EXCLUDED.contact_id, version = EXCLUDED.version,
         status = EXCLUDED.status, total_minor = EXCLUDED.total_minor, products = EXCLUDED.products,
         categories = EXCLUDED.categories,
         coupon_codes = CASE WHEN cardinality(EXCLUDED.coupon_codes) > 0 THEN EXCLUDED.coupon_codes ELSE o.coupon_codes END,
         utm_campaign = COALESCE(EXCLUDED.utm_campaign, o.utm_campaign)
       WHERE o.version < EXCLUDED.version
       RETURNING order_id`,
      [
        event.subject,
        contactId,
        event.version,
        String(d.status ?? 'placed'),
        String(d.currency ?? 'EUR'),
        Math.max(0, total),
        d.placedAt ?? event.time,
        products,
        categories.map((c) => c.category),
        couponCodesOf(d),
        utmCampaignOf(d),
      ],
    );
    if (!applied.length || !contactId) return;
    await recomputeOrderFacts(manager, contactId);
    await this.membership.reevaluate(manager, [contactId]);
  }
}
