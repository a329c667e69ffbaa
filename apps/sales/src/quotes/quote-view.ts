import type { SalesLinePayload, SalesQuotePayload, SalesQuoteStatus } from '@crm/contracts';
import type { Billing, BillingAddress } from '../orders/order-view';
import { fromThousandths } from '../orders/order-view';

type Bigint = string;

export interface QuoteRow {
  id: string;
  number: string;
  revision: number;
  previous_quote_id: string | null;
  superseded_by: string | null;
  deal_id: string;
  contact_id: string | null;
  account_id: string | null;
  price_book_id: string | null;
  status: SalesQuoteStatus;
  currency: string;
  currency_digits: number;
  gross_minor: Bigint;
  discount_minor: Bigint;
  net_minor: Bigint;
  tax_minor: Bigint;
  total_minor: Bigint;
  valid_until: string | null;
  sent_at: Date | null;
  accepted_at: Date | null;
  rejected_at: Date | null;
  expired_at: Date | null;
  rejection_reason: string | null;
  order_id: string | null;
  billing_name: string | null;
  billing_email: string | null;
  billing_address: BillingAddress | null;
  version: number;
  created_by: string | null;
  created_at: Date;
  updated_at: Date;
}

export interface QuoteLineRow {
  id: string;
  quote_id: string;
  line_no: number;
  product_id: string;
  sku: string;
  name: string;
  model: string | null;
  quantity: number;
  unit_price_minor: Bigint;
  price_overridden: boolean;
  discount_thousandths: number;
  tax_thousandths: number;
  gross_minor: Bigint;
  discount_minor: Bigint;
  net_minor: Bigint;
  tax_minor: Bigint;
  total_minor: Bigint;
}

export const QUOTE_COLUMNS = `id, number, revision, previous_quote_id, superseded_by, deal_id, contact_id, account_id,
  price_book_id, status, currency, currency_digits, gross_minor, discount_minor, net_minor, tax_minor, total_minor,
  to_char(valid_until, 'YYYY-MM-DD') AS valid_until, sent_at, accepted_at, rejected_at, expired_at, rejection_reason,
  order_id, billing_name, billing_email, billing_address, version, created_by, created_at, updated_at`;

export const QUOTE_LINE_COLUMNS = `id, quote_id, line_no, product_id, sku, name, model, quantity, unit_price_minor,
  price_overridden, discount_thousandths, tax_thousandths, gross_minor, discount_minor, net_minor, tax_minor,
  total_minor`;

export interface QuoteLineView extends SalesLinePayload {
  /** true when the unit price was given on the line rather than taken from the price book. */
  priceOverridden: boolean;
}

export interface QuoteView extends SalesQuotePayload {
  lines: QuoteLineView[];
  /** The revision that replaced this one; a superseded revision takes no further step. */
  supersededBy: string | null;
  billing: Billing;
}

const iso = (d: Date | null) => (d ? d.toISOString() : null);

function lineView(l: QuoteLineRow): QuoteLineView {
  return {
    id: l.id,
    lineNo: l.line_no,
    productId: l.product_id,
    sku: l.sku,
    name: l.name,
    model: l.model,
    serialNumbers: [],
    quantity: l.quantity,
    unitPriceMinor: Number(l.unit_price_minor),
    priceOverridden: l.price_overridden,
    discountPercent: fromThousandths(l.discount_thousandths),
    taxRatePercent: fromThousandths(l.tax_thousandths),
    grossMinor: Number(l.gross_minor),
    discountMinor: Number(l.discount_minor),
    netMinor: Number(l.net_minor),
    taxMinor: Number(l.tax_minor),
    totalMinor: Number(l.total_minor),
  };
}

export function quotePayload(q: QuoteRow, lines: QuoteLineRow[]): SalesQuotePayload {
  return {
    id: q.id,
    version: q.version,
    number: q.number,
    revision: q.revision,
    previousQuoteId: q.previous_quote_id,
    status: q.status,
    dealId: q.deal_id,
    contactId: q.contact_id,
    accountId: q.account_id,
    priceBookId: q.price_book_id,
    currency: q.currency,
    currencyDigits: q.currency_digits,
    grossMinor: Number(q.gross_minor),
    discountMinor: Number(q.discount_minor),
    netMinor: Number(q.net_minor),
    taxMinor: Number(q.tax_minor),
    totalMinor: Number(q.total_minor),
    lines: lines.map((l) => {
      const { priceOverridden: _, ...line } = lineView(l);
      return line;
    }),
    validUntil: q.valid_until,
    sentAt: iso(q.sent_at),
    acceptedAt: iso(q.accepted_at),
    rejectedAt: iso(q.rejected_at),
    expiredAt: iso(q.expired_at),
    rejectionReason: q.rejection_reason,
    orderId: q.order_id,
    createdAt: q.created_at.toISOString(),
    updatedAt: q.updated_at.toISOString(),
  };
}

export function quoteView(q: QuoteRow, lines: QuoteLineRow[]): QuoteView {
  return {
    ...quotePayload(q, lines),
    lines: lines.map(lineView),
    supersededBy: q.superseded_by,
    billing: { name: q.billing_name, email: q.billing_email, address: q.billing_address },
  };
}
