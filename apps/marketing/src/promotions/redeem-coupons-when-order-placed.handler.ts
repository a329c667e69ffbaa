import { Injectable } from '@nestjs/common';
import type { EntityManager } from 'typeorm';
import {
  MARKETING_EVENTS,
  SALES_ORDERS_EVENTS,
  type CouponRedemptionPayload,
  type CouponRejectReason,
} from '@crm/contracts';
import { EventPublisher, OnEvent, type CloudEvent, type EventHandler } from '@crm/messaging';
import { uuidv7 } from '@crm/persistence';

interface CouponRow {
  coupon_id: string | null;
  coupon_contact: string | null;
  coupon_status: string | null;
  promotion_id: string;
  code_kind: string;
  valid_from: Date | null;
  valid_until: Date | null;
  max_redemptions: number | null;
  redemptions: number;
  per_customer_limit: number;
  contact_ids: string[];
  segment_id: string | null;
}

/**
 * Validates each coupon code an order carries, once per (order, code):
 * unknown, not started, expired, exhausted (budget), wrong customer, already
 * redeemed or over the per-customer limit are rejected and recorded; the
 * rest are redeemed (the promotion's count rises only while under budget).
 */
@Injectable()
@OnEvent(SALES_ORDERS_EVENTS.orderPlaced, SALES_ORDERS_EVENTS.orderPaid, SALES_ORDERS_EVENTS.orderFulfilled)
export class RedeemCouponsWhenOrderPlacedHandler implements EventHandler {
  constructor(private readonly events: EventPublisher) {}

  async handle(event: CloudEvent, manager: EntityManager): Promise<void> {
    const [order]: { contact_id: string | null; coupon_codes: string[]; placed_at: Date }[] = await manager.query(
      `SELECT contact_id, coupon_codes, placed_at FROM mirror_orders WHERE order_id = $1 AND status NOT IN ('cancelled', 'refunded')`,
      [event.subject],
    );
    if (!order) return;
    for (const code of order.coupon_codes) {
      const seen: unknown[] = await manager.query(
        `SELECT 1 FROM coupon_redemptions WHERE order_id = $1 AND code = $2`,
        [event.subject, code],
      );
      if (seen.length) continue;
      await this.redeem(manager, event.subject, code, order.contact_id, new Date(order.placed_at));
    }
  }

  private async redeem(manager: EntityManager, orderId: string, code: string, contactId: string | null, at: Date) {
    const [row]: CouponRow[] = await manager.query(
      `SELECT k.id AS coupon_id, k.contact_id AS coupon_contact, k.status AS coupon_status, p.id AS promotion_id, p.code_kind,
              p.valid_from, p.valid_until, p.max_redemptions, p.redemptions, p.per_customer_limit, p.contact_ids, p.segment_id
         FROM promotions p LEFT JOIN coupons k ON k.promotion_id = p.id AND k.code = $1
        WHERE (p.code_kind = 'unique' AND k.id IS NOT NULL) OR (p.code_kind = 'shared' AND p.shared_code = $1)
        ORDER BY p.created_at DESC LIMIT 1 FOR UPDATE OF p`,
      [code],
    );
    let reason: CouponRejectReason | null = null;
    if (!row) reason = 'unknown_code';
    else if (row.valid_from && at < new Date(row.valid_from)) reason = 'not_started';
    else if (row.valid_until && at > new Date(row.valid_until)) reason = 'expired';
    else if (row.code_kind === 'unique' && row.coupon_status === 'redeemed') reason = 'already_redeemed';
    else if (row.code_kind === 'unique' && row.coupon_contact && row.coupon_contact !== contactId)
      reason = 'wrong_customer';
    else if (row.contact_ids.length && (!contactId || !row.contact_ids.includes(contactId))) reason = 'wrong_customer';
    else if (row.segment_id && !(await this.isMember(manager, row.segment_id, contactId))) reason = 'wrong_customer';
    else if (row.max_redemptions !== null && row.redemptions >= row.max_redemptions) reason = 'exhausted';
    else if (contactId) {
      const [{ n }]: { n: number }[] = await manager.query(
        `SELECT count(*)::int AS n FROM coupon_redemptions WHERE promotion_id = $1 AND contact_id = $2 AND outcome = 'redeemed'`,
        [row.promotion_id, contactId],
      );
      if (n >= row.per_customer_limit) reason = 'per_customer_limit';
    }
    const outcome = reason ? 'rejected' : 'redeemed';
    await manager.query(
      `INSERT INTO coupon_redemptions (id, promotion_id, coupon_id, code, order_id, contact_id, outcome, reason, occurred_at)
       VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9)`,
      [uuidv7(), row?.promotion_id ?? null, row?.coupon_id ?? null, code, orderId, contactId, outcome, reason, at],
    );
    if (!reason && row) {
      await manager.query(`UPDATE promotions SET redemptions = redemptions + 1 WHERE id = $1`, [row.promotion_id]);
      if (row.coupon_id)
        await manager.query(`UPDATE coupons SET status = 'redeemed', redeemed_at = $2 WHERE id = $1`, [
          row.coupon_id,
          at,
        ]);
    }
    const data: CouponRedemptionPayload = {
      promotionId: row?.promotion_id ?? null,
      couponId: row?.coupon_id ?? null,
      code,
      orderId,
      contactId,
      outcome,
      reason,
      at: at.toISOString(),
    };
    await this.events.publish(manager, {
      type: reason ? MARKETING_EVENTS.couponRejected : MARKETING_EVENTS.couponRedeemed,
      subject: reason ? orderId : (row?.coupon_id ?? orderId),
      version: 1,
      data,
    });
  }

  private async isMember(manager: EntityManager, segmentId: string, contactId: string | null): Promise<boolean> {
    if (!contactId) return false;
    const rows: unknown[] = await manager.query(
      `SELECT 1 FROM segment_members WHERE segment_id = $1 AND contact_id = $2`,
      [segmentId, contactId],
    );
    return rows.length > 0;
  }
}
