import type { EntityManager } from 'typeorm';
import type { SalesChannel, SalesOrderStatus } from '@crm/contracts';
import type { Amounts } from '../price-books/line-totals';
import type { PricedLine } from './order-lines';
import { ORDER_COLUMNS, ORDER_LINE_COLUMNS, type BillingAddress, type OrderLineRow, type OrderRow } from './order-view';

export interface NewOrder {
  id: string;
  status: SalesOrderStatus;
  channel: SalesChannel;
  location: string | null;
  externalOrderId: string | null;
  contactId: string | null;
  accountId: string | null;
  dealId: string | null;
  quoteId: string | null;
  currency: string;
  currencyDigits: number;
  totals: Amounts;
  placedAt: Date;
  billingName: string | null;
  billingEmail: string | null;
  billingAddress: BillingAddress | null;
  idempotencyKey: string | null;
  requestHash: string;
  createdBy: string;
}

export interface OrderFilter {
  status?: SalesOrderStatus;
  channel?: SalesChannel;
  contactId?: string;
  accountId?: string;
  dealId?: string;
  currency?: string;
  location?: string;
  placedFrom?: string;
  placedTo?: string;
  minTotalMinor?: number;
  maxTotalMinor?: number;
}

const LINE_FIELDS = 17;

/** The SQL of orders, their lines and refunds, in one place. */
export const ordersRepository = {
  /**
   * Inserts the order unless its (channel, external id) or (caller, Idempotency-Key) exists. The contact is
   * the one sales' mirror knows: one merged away is replaced by the one it was merged into, and the account
   * comes from the contact when the order names none (in the same statement: no read before it).
   */
  async insertOrder(m: EntityManager, o: NewOrder): Promise<OrderRow | undefined> {
    const t = o.totals;
    const rows: OrderRow[] = await m.query(
      `INSERT INTO orders (id, number, status, channel, location, external_order_id, contact_id, account_id, deal_id,
              quote_id, currency, currency_digits, gross_minor, discount_minor, net_minor, tax_minor, total_minor,
              placed_at, paid_at, fulfilled_at, billing_name, billing_email, billing_address, idempotency_key,
              request_hash, created_by)
       VALUES ($1, 'SO-' || lpad(nextval('order_number_seq')::text, 6, '0'), $2, $3, $4, $5,
              COALESCE((SELECT merged_into FROM contact_mirror WHERE contact_id = $6), $6),
              COALESCE($7, (SELECT account_id FROM contact_mirror WHERE contact_id = $6)), $8, $9, $10, $11,
              $12, $13, $14, $15, $16, $17,
              CASE WHEN $2 IN ('paid', 'fulfilled') THEN $17::timestamptz END,
              CASE WHEN $2 = 'fulfilled' THEN $17::timestamptz END,
              $18, $19, $20, $21, $22, $23)
       ON CONFLICT DO NOTHING RETURNING ${ORDER_COLUMNS}`,
      [
        o.id,
        o.status,
        o.channel,
        o.location,
        o.externalOrderId,
        o.contactId,
        o.accountId,
        o.dealId,
        o.quoteId,
        o.currency,
        o.currencyDigits,
        t.grossMinor,
        t.discountMinor,
        t.netMinor,
        t.taxMinor,
        t.totalMinor,
        o.placedAt,
        o.billingName,
        o.billingEmail,
        o.billingAddress ? JSON.stringify(o.billingAddress) : null,
        o.idempotencyKey,
        o.requestHash,
        o.createdBy,
      ],
    );
    return rows[0];
  },

  insertLines(m: EntityManager, orderId: string, lines: PricedLine[], ids: string[]): Promise<OrderLineRow[]> {
    const values: unknown[] = [];
    const tuples = lines.map((l, i) => {
      values.push(
        ids[i],
        orderId,
        l.lineNo,
        l.productId,
        l.sku,
        l.name,
        l.model,
        l.serialNumbers,
        l.quantity,
        l.unitPriceMinor,
        l.discountThousandths,
        l.taxThousandths,
        l.grossMinor,
        l.discountMinor,
        l.netMinor,
        l.taxMinor,
        l.totalMinor,
      );
      const b = i * LINE_FIELDS;
      return `(${Array.from({ length: LINE_FIELDS }, (_, k) => `$${b + k + 1}`).join(', ')})`;
    });
    return m.query(
      `INSERT INTO order_lines (id, order_id, line_no, product_id, sku, name, model, serial_numbers, quantity,
              unit_price_minor, discount_thousandths, tax_thousandths, gross_minor, discount_minor, net_minor,
              tax_minor, total_minor)
       VALUES ${tuples.join(', ')} RETURNING ${ORDER_LINE_COLUMNS}`,
      values,
    );
  },

  async order(m: EntityManager, id: string, lock = false): Promise<OrderRow | undefined> {
    const rows: OrderRow[] = await m.query(
      `SELECT ${ORDER_COLUMNS} FROM orders WHERE id = $1 ${lock ? 'FOR UPDATE' : ''}`,
      [id],
    );
    return rows[0];
  },

  async byExternalId(m: EntityManager, channel: string, externalOrderId: string): Promise<OrderRow | undefined> {
    const rows: OrderRow[] = await m.query(
      `SELECT ${ORDER_COLUMNS} FROM orders WHERE channel = $1 AND external_order_id = $2`,
      [channel, externalOrderId],
    );
    return rows[0];
  },

  async byIdempotencyKey(m: EntityManager, createdBy: string, key: string): Promise<OrderRow | undefined> {
    const rows: OrderRow[] = await m.query(
      `SELECT ${ORDER_COLUMNS} FROM orders WHERE created_by = $1 AND idempotency_key = $2`,
      [createdBy, key],
    );
    return rows[0];
  },

  lines(m: EntityManager, orderIds: string[], lock = false): Promise<OrderLineRow[]> {
    return m.query(
      `SELECT ${ORDER_LINE_COLUMNS} FROM order_lines WHERE order_id = ANY($1::uuid[]) ORDER BY order_id, line_no
       ${lock ? 'FOR UPDATE' : ''}`,
      [orderIds],
    );
  },

  async setStatus(m: EntityManager, id: string, status: SalesOrderStatus): Promise<OrderRow> {
    const stamp = { paid: 'paid_at', fulfilled: 'fulfilled_at', cancelled: 'cancelled_at', refunded: 'refunded_at' };
    const column = status === 'placed' ? null : stamp[status];
    const rows: [OrderRow[], number] = await m.query(
      `UPDATE orders SET status = $2, ${column ? `${column} = now(),` : ''} version = version + 1, updated_at = now()
        WHERE id = $1 RETURNING ${ORDER_COLUMNS}`,
      [id, status],
    );
    return rows[0][0];
  },

  /** Newest placed first; keyset on (placed_at, id). */
  page(
    m: EntityManager,
    f: OrderFilter,
    after: { placedAt: string; id: string } | null,
    limit: number,
  ): Promise<OrderRow[]> {
    return m.query(
      `SELECT ${ORDER_COLUMNS} FROM orders
        WHERE ${ORDER_FILTER_SQL}
          AND ($12::timestamptz IS NULL OR (placed_at, id) < ($12, $13::uuid))
        ORDER BY placed_at DESC, id DESC LIMIT $14`,
      [...orderFilterParams(f), after?.placedAt ?? null, after?.id ?? null, limit],
    );
  },
};

/** The list's filters over `orders` as $1-$11 (orderFilterParams), shared with the export. */
export const ORDER_FILTER_SQL = `($1::text IS NULL OR status = $1)
          AND ($2::text IS NULL OR channel = $2)
          AND ($3::uuid IS NULL OR contact_id = $3)
          AND ($4::uuid IS NULL OR account_id = $4)
          AND ($5::uuid IS NULL OR deal_id = $5)
          AND ($6::text IS NULL OR currency = $6)
          AND ($7::text IS NULL OR location = $7)
          AND ($8::timestamptz IS NULL OR placed_at >= $8)
          AND ($9::timestamptz IS NULL OR placed_at < $9)
          AND ($10::bigint IS NULL OR total_minor >= $10)
          AND ($11::bigint IS NULL OR total_minor <= $11)`;

export function orderFilterParams(f: OrderFilter): unknown[] {
  return [
    f.status ?? null,
    f.channel ?? null,
    f.contactId ?? null,
    f.accountId ?? null,
    f.dealId ?? null,
    f.currency ?? null,
    f.location ?? null,
    f.placedFrom ?? null,
    f.placedTo ?? null,
    f.minTotalMinor ?? null,
    f.maxTotalMinor ?? null,
  ];
}
