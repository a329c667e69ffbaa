import type { EntityManager } from 'typeorm';
import type { SalesChannel, SalesOrderStatus } from '@crm/contracts';

/** How many of a person's latest orders the customer 360 shows. */
export const RECENT_ORDERS = 5;

export interface OrderSummary {
  id: string;
  number: string;
  externalOrderId: string | null;
  status: SalesOrderStatus;
  channel: SalesChannel;
  contactId: string | null;
  placedAt: string;
  currency: string;
  totalMinor: number;
  refundedMinor: number;
}

export interface LifetimeTotal {
  currency: string;
  /** Orders not cancelled. */
  orders: number;
  totalMinor: number;
  refundedMinor: number;
  /** total - refunded: what the person spent and kept. */
  netMinor: number;
  firstOrderAt: string;
  lastOrderAt: string;
}

export interface CustomerOrderFacts {
  recentOrders: OrderSummary[];
  /** One entry per currency the person bought in, largest net first; cancelled orders left out. */
  lifetime: LifetimeTotal[];
}

interface SummaryRow {
  id: string;
  number: string;
  external_order_id: string | null;
  status: SalesOrderStatus;
  channel: SalesChannel;
  contact_id: string | null;
  placed_at: Date;
  currency: string;
  total_minor: string;
  refunded_minor: string;
}

const SUMMARY_COLUMNS =
  'id, number, external_order_id, status, channel, contact_id, placed_at, currency, total_minor, refunded_minor';

function summary(r: SummaryRow): OrderSummary {
  return {
    id: r.id,
    number: r.number,
    externalOrderId: r.external_order_id,
    status: r.status,
    channel: r.channel,
    contactId: r.contact_id,
    placedAt: r.placed_at.toISOString(),
    currency: r.currency,
    totalMinor: Number(r.total_minor),
    refundedMinor: Number(r.refunded_minor),
  };
}

/** The orders part of a customer 360: latest orders and lifetime totals per currency. */
export async function customerOrderFacts(manager: EntityManager, contactId: string): Promise<CustomerOrderFacts> {
  const recent: SummaryRow[] = await manager.query(
    `SELECT ${SUMMARY_COLUMNS} FROM orders WHERE contact_id = $1 ORDER BY placed_at DESC, id DESC LIMIT $2`,
    [contactId, RECENT_ORDERS],
  );
  const totals: {
    currency: string;
    orders: number;
    total: string;
    refunded: string;
    first: Date;
    last: Date;
  }[] = await manager.query(
    `SELECT currency, count(*)::int AS orders, sum(total_minor) AS total, sum(refunded_minor) AS refunded,
            min(placed_at) AS first, max(placed_at) AS last
       FROM orders WHERE contact_id = $1 AND status <> 'cancelled'
      GROUP BY currency ORDER BY sum(total_minor) - sum(refunded_minor) DESC, currency`,
    [contactId],
  );
  return {
    recentOrders: recent.map(summary),
    lifetime: totals.map((t) => ({
      currency: t.currency,
      orders: t.orders,
      totalMinor: Number(t.total),
      refundedMinor: Number(t.refunded),
      netMinor: Number(t.total) - Number(t.refunded),
      firstOrderAt: t.first.toISOString(),
      lastOrderAt: t.last.toISOString(),
    })),
  };
}

/**
 * Orders whose number or external (shop) order id is `q` or starts with it,
 * case-insensitively; exact matches first, then the latest placed. A `q`
 * that could not be an order number (blank, NUL, over 100 characters) finds none.
 */
export async function searchOrders(manager: EntityManager, q: string, limit: number): Promise<OrderSummary[]> {
  const term = q.trim().toLowerCase();
  if (!term || term.length > 100 || term.includes('\u0000') || limit < 1) return [];
  const prefix = `${term.replace(/[%_\\]/g, '\\$&')}%`;
  const rows: SummaryRow[] = await manager.query(
    `SELECT ${SUMMARY_COLUMNS} FROM orders
      WHERE lower(number) LIKE $1 OR lower(external_order_id) LIKE $1
      ORDER BY (lower(number) = $2 OR lower(external_order_id) = $2) DESC, placed_at DESC, id DESC
      LIMIT $3`,
    [prefix, term, Math.min(limit, 100)],
  );
  return rows.map(summary);
}
