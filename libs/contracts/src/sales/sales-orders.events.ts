/**
 * Events sales publishes about products, quotes and orders, on the stream
 * CRM_SALES (`crm.sales.>`), beside the pipeline and deal events of
 * `sales.events.ts`. Additive only.
 *
 * Money: every amount is an integer in the currency's minor units (cents for
 * EUR/USD, yen for JPY, fils for KWD: `currencyDigits` says how many decimals
 * the minor unit has). Percentages are numbers with at most 3 decimals
 * (12.5 = 12.5 %, 8.875 = 8.875 %). Totals are computed by sales per line and then summed; see
 * the rounding rule on {@link SalesLinePayload}.
 *
 * Each event's CloudEvents `subject` is the entity id (product, quote or
 * order id) and its `version` the entity version: a consumer keeps the
 * highest version it has seen and ignores older ones.
 *
 * The billing snapshot (name, address, email) of orders and quotes is not in
 * these events: it is personal data that erasure must be able to reach, so
 * it stays in sales; consumers use `contactId` and the contacts events.
 */
export const SALES_ORDERS_EVENTS = {
  /** data: SalesProductPayload */
  productCreated: 'crm.sales.product.created',
  /** data: SalesProductPayload */
  productUpdated: 'crm.sales.product.updated',
  /** data: SalesQuotePayload (status 'sent') */
  quoteSent: 'crm.sales.quote.sent',
  /** data: SalesQuotePayload (status 'accepted', `orderId` set when the order was created with it) */
  quoteAccepted: 'crm.sales.quote.accepted',
  /** data: SalesQuotePayload (status 'rejected') */
  quoteRejected: 'crm.sales.quote.rejected',
  /** data: SalesQuotePayload (status 'expired'; published by the scheduled expiry job) */
  quoteExpired: 'crm.sales.quote.expired',
  /** data: SalesOrderPayload (status 'placed', or the status it was imported with) */
  orderPlaced: 'crm.sales.order.placed',
  /** data: SalesOrderPayload (status 'paid') */
  orderPaid: 'crm.sales.order.paid',
  /** data: SalesOrderPayload (status 'fulfilled') */
  orderFulfilled: 'crm.sales.order.fulfilled',
  /** data: SalesOrderPayload (status 'cancelled') */
  orderCancelled: 'crm.sales.order.cancelled',
  /** data: SalesOrderRefundedPayload: one per refund, partial (by line) or full */
  orderRefunded: 'crm.sales.order.refunded',
} as const;

export type SalesOrdersEventType = (typeof SALES_ORDERS_EVENTS)[keyof typeof SALES_ORDERS_EVENTS];

/** Where an order was taken. */
export type SalesChannel = 'store' | 'web' | 'phone' | 'partner';
export const SALES_CHANNELS: readonly SalesChannel[] = ['store', 'web', 'phone', 'partner'];

export type SalesQuoteStatus = 'draft' | 'sent' | 'accepted' | 'rejected' | 'expired';
export const SALES_QUOTE_STATUSES: readonly SalesQuoteStatus[] = ['draft', 'sent', 'accepted', 'rejected', 'expired'];

/**
 * `refunded` means fully refunded; a partial refund leaves the order in the
 * status it had (paid or fulfilled) with `refundedMinor` > 0.
 */
export type SalesOrderStatus = 'placed' | 'paid' | 'fulfilled' | 'cancelled' | 'refunded';
export const SALES_ORDER_STATUSES: readonly SalesOrderStatus[] = [
  'placed',
  'paid',
  'fulfilled',
  'cancelled',
  'refunded',
];

export interface SalesProductPayload {
  id: string;
  version: number;
  /** Unique across products. */
  sku: string;
  name: string;
  model: string | null;
  category: string | null;
  /** Unit of sale, e.g. "each", "box", "licence". */
  unit: string;
  /** An inactive product cannot be put on a new quote line. */
  active: boolean;
  createdAt: string;
  updatedAt: string;
}

/**
 * One line of a quote or order, amounts in minor units of the document's
 * currency. Rounding rule (per line, then summed):
 * - `grossMinor` = quantity x unitPriceMinor (exact);
 * - `discountMinor` = grossMinor x discountPercent / 100, rounded half-up
 *   (away from zero) to the minor unit;
 * - `netMinor` = grossMinor - discountMinor;
 * - `taxMinor` = netMinor x taxRatePercent / 100, rounded half-up;
 * - `totalMinor` = netMinor + taxMinor.
 * The document's totals are the sums of its lines' amounts.
 */
export interface SalesLinePayload {
  /** Line id (stable across status changes; refunds name it). */
  id: string;
  /** 1-based position on the document. */
  lineNo: number;
  /** null for a free-text line of an imported order whose product sales does not know. */
  productId: string | null;
  sku: string | null;
  /** Product name at the time of the sale (or the line's own description). */
  name: string;
  model: string | null;
  /** Serial numbers of the items sold on this line, where given (at most `quantity`). */
  serialNumbers: string[];
  /** Whole units, >= 1. */
  quantity: number;
  unitPriceMinor: number;
  discountPercent: number;
  taxRatePercent: number;
  grossMinor: number;
  discountMinor: number;
  netMinor: number;
  taxMinor: number;
  totalMinor: number;
}

export interface SalesTotalsPayload {
  /** ISO 4217 code, e.g. "EUR". */
  currency: string;
  /** Decimals of the currency's minor unit (2 for EUR, 0 for JPY, 3 for KWD). */
  currencyDigits: number;
  grossMinor: number;
  discountMinor: number;
  netMinor: number;
  taxMinor: number;
  totalMinor: number;
}

export interface SalesQuotePayload extends SalesTotalsPayload {
  /** Id of this version of the quote. */
  id: string;
  /** Entity version (for stale-update detection), not the quote revision. */
  version: number;
  /** Human number shared by all revisions of a quote, e.g. "Q-000042". */
  number: string;
  /** 1 for the first version; revising a sent quote makes revision n + 1 with a new id. */
  revision: number;
  /** Id of the revision this one replaced, if any. */
  previousQuoteId: string | null;
  status: SalesQuoteStatus;
  dealId: string;
  contactId: string | null;
  accountId: string | null;
  priceBookId: string | null;
  lines: SalesLinePayload[];
  /** Date (YYYY-MM-DD) after which a sent quote expires. */
  validUntil: string | null;
  sentAt: string | null;
  acceptedAt: string | null;
  rejectedAt: string | null;
  expiredAt: string | null;
  rejectionReason: string | null;
  /** The order created from the quote on acceptance, if any. */
  orderId: string | null;
  createdAt: string;
  updatedAt: string;
}

export interface SalesOrderLinePayload extends SalesLinePayload {
  /** Units of this line refunded so far. */
  refundedQuantity: number;
  /** Minor units of this line refunded so far. */
  refundedMinor: number;
}

export interface SalesOrderPayload extends SalesTotalsPayload {
  id: string;
  version: number;
  /** Sales' own order number, e.g. "SO-000123". */
  number: string;
  status: SalesOrderStatus;
  channel: SalesChannel;
  /** Store, warehouse or site code the order was taken at (usually set for channel 'store'). */
  location: string | null;
  /** The shop's or point of sale's order id; unique per channel (re-sending the same one is idempotent). */
  externalOrderId: string | null;
  contactId: string | null;
  accountId: string | null;
  dealId: string | null;
  quoteId: string | null;
  lines: SalesOrderLinePayload[];
  /** Sum of all refunds so far. */
  refundedMinor: number;
  /** When the sale happened; may be in the past for imported history. */
  placedAt: string;
  paidAt: string | null;
  fulfilledAt: string | null;
  cancelledAt: string | null;
  /** When the order became fully refunded. */
  refundedAt: string | null;
  createdAt: string;
  updatedAt: string;
}

export interface SalesRefundLinePayload {
  lineId: string;
  lineNo: number;
  productId: string | null;
  sku: string | null;
  serialNumbers: string[];
  quantity: number;
  amountMinor: number;
}

export interface SalesRefundPayload {
  id: string;
  currency: string;
  lines: SalesRefundLinePayload[];
  amountMinor: number;
  reason: string | null;
  refundedAt: string;
}

/** data of order.refunded: the order after the refund, plus the refund itself. */
export interface SalesOrderRefundedPayload extends SalesOrderPayload {
  refund: SalesRefundPayload;
  /** true when nothing is left to refund (the order's status is then 'refunded'). */
  fullyRefunded: boolean;
}
