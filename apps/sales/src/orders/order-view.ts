import type {
  SalesChannel,
  SalesOrderLinePayload,
  SalesOrderPayload,
  SalesOrderStatus,
  SalesRefundPayload,
} from '@crm/contracts';
import { PERCENT_SCALE } from '../price-books/line-totals';

/** pg answers bigint as a string; every amount here is below 2^53. */
type Bigint = string;

export interface BillingAddress {
  line1?: string;
  line2?: string;
  postalCode?: string;
  city?: string;
  region?: string;
  country?: string;
}

export interface Billing {
  name: string | null;
  email: string | null;
  address: BillingAddress | null;
}

export interface OrderRow {
  id: string;
  number: string;
  status: SalesOrderStatus;
  channel: SalesChannel;
  location: string | null;
  external_order_id: string | null;
  contact_id: string | null;
  account_id: string | null;
  deal_id: string | null;
  quote_id: string | null;
  currency: string;
  currency_digits: number;
  gross_minor: Bigint;
  discount_minor: Bigint;
  net_minor: Bigint;
  tax_minor: Bigint;
  total_minor: Bigint;
  refunded_minor: Bigint;
  placed_at: Date;
  paid_at: Date | null;
  fulfilled_at: Date | null;
  cancelled_at: Date | null;
  refunded_at: Date | null;
  billing_name: string | null;
  billing_email: string | null;
  billing_address: BillingAddress | null;
  request_hash: string;
  version: number;
  created_by: string;
  created_at: Date;
  updated_at: Date;
}

export interface OrderLineRow {
  id: string;
  order_id: string;
  line_no: number;
  product_id: string | null;
  sku: string | null;
  name: string;
  model: string | null;
  serial_numbers: string[];
  quantity: number;
  unit_price_minor: Bigint;
  discount_thousandths: number;
  tax_thousandths: number;
  gross_minor: Bigint;
  discount_minor: Bigint;
  net_minor: Bigint;
  tax_minor: Bigint;
  total_minor: Bigint;
  refunded_quantity: number;
  refunded_minor: Bigint;
}

export const ORDER_COLUMNS = `id, number, status, channel, location, external_order_id, contact_id, account_id, deal_id,
  quote_id, currency, currency_digits, gross_minor, discount_minor, net_minor, tax_minor, total_minor, refunded_minor,
  placed_at, paid_at, fulfilled_at, cancelled_at, refunded_at, billing_name, billing_email, billing_address,
  request_hash, version, created_by, created_at, updated_at`;

export const ORDER_LINE_COLUMNS = `id, order_id, line_no, product_id, sku, name, model, serial_numbers, quantity,
  unit_price_minor, discount_thousandths, tax_thousandths, gross_minor, discount_minor, net_minor, tax_minor,
  total_minor, refunded_quantity, refunded_minor`;

/** The order as answered: the published payload plus the billing snapshot, which stays in sales. */
export interface OrderView extends SalesOrderPayload {
  billing: Billing;
}

const iso = (d: Date | null) => (d ? d.toISOString() : null);

export const fromThousandths = (n: number) => n / PERCENT_SCALE;

export function orderLineView(l: OrderLineRow): SalesOrderLinePayload {
  return {
    id: l.id,
    lineNo: l.line_no,
    productId: l.product_id,
    sku: l.sku,
    name: l.name,
    model: l.model,
    serialNumbers: l.serial_numbers,
    quantity: l.quantity,
    unitPriceMinor: Number(l.unit_price_minor),
    discountPercent: fromThousandths(l.discount_thousandths),
    taxRatePercent: fromThousandths(l.tax_thousandths),
    grossMinor: Number(l.gross_minor),
    discountMinor: Number(l.discount_minor),
    netMinor: Number(l.net_minor),
    taxMinor: Number(l.tax_minor),
    totalMinor: Number(l.total_minor),
    refundedQuantity: l.refunded_quantity,
    refundedMinor: Number(l.refunded_minor),
  };
}

export function orderPayload(o: OrderRow, lines: OrderLineRow[]): SalesOrderPayload {
  return {
    id: o.id,
    version: o.version,
    number: o.number,
    status: o.status,
    channel: o.channel,
    location: o.location,
    externalOrderId: o.external_order_id,
    contactId: o.contact_id,
    accountId: o.account_id,
    dealId: o.deal_id,
    quoteId: o.quote_id,
    currency: o.currency,
    currencyDigits: o.currency_digits,
    grossMinor: Number(o.gross_minor),
    discountMinor: Number(o.discount_minor),
    netMinor: Number(o.net_minor),
    taxMinor: Number(o.tax_minor),
    totalMinor: Number(o.total_minor),
    refundedMinor: Number(o.refunded_minor),
    lines: lines.map(orderLineView),
    placedAt: o.placed_at.toISOString(),
    paidAt: iso(o.paid_at),
    fulfilledAt: iso(o.fulfilled_at),
    cancelledAt: iso(o.cancelled_at),
    refundedAt: iso(o.refunded_at),
    createdAt: o.created_at.toISOString(),
    updatedAt: o.updated_at.toISOString(),
  };
}

export function orderView(o: OrderRow, lines: OrderLineRow[]): OrderView {
  return {
    ...orderPayload(o, lines),
    billing: { name: o.billing_name, email: o.billing_email, address: o.billing_address },
  };
}

/** The refund as answered and published. */
export type RefundView = SalesRefundPayload;
