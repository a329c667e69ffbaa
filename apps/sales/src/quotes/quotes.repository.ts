import type { EntityManager } from 'typeorm';
import type { SalesQuoteStatus } from '@crm/contracts';
import type { Amounts } from '../price-books/line-totals';
import type { BillingAddress } from '../orders/order-view';
import type { PricedQuoteLine } from './quote-lines';
import { QUOTE_COLUMNS, QUOTE_LINE_COLUMNS, type QuoteLineRow, type QuoteRow } from './quote-view';

export interface NewQuote {
  id: string;
  /** null: a new number; else the number of the quote this revises. */
  number: string | null;
  revision: number;
  previousQuoteId: string | null;
  dealId: string;
  contactId: string | null;
  accountId: string | null;
  priceBookId: string | null;
  currency: string;
  currencyDigits: number;
  totals: Amounts;
  validUntil: string | null;
  billingName: string | null;
  billingEmail: string | null;
  billingAddress: BillingAddress | null;
  createdBy: string;
}

export interface QuoteFilter {
  dealId?: string;
  status?: SalesQuoteStatus;
  contactId?: string;
  accountId?: string;
  currency?: string;
  current?: 'true' | 'false';
  createdFrom?: string;
  createdTo?: string;
  minTotalMinor?: number;
  maxTotalMinor?: number;
}

const LINE_FIELDS = 17;

/** The SQL of quotes and their lines, in one place. */
export const quotesRepository = {
  async insert(m: EntityManager, q: NewQuote): Promise<QuoteRow> {
    const t = q.totals;
    const rows: QuoteRow[] = await m.query(
      `INSERT INTO quotes (id, number, revision, previous_quote_id, deal_id, contact_id, account_id, price_book_id,
              status, currency, currency_digits, gross_minor, discount_minor, net_minor, tax_minor, total_minor,
              valid_until, billing_name, billing_email, billing_address, created_by)
       VALUES ($1, coalesce($2, 'Q-' || lpad(nextval('quote_number_seq')::text, 6, '0')), $3, $4, $5, $6, $7, $8,
              'draft', $9, $10, $11, $12, $13, $14, $15, $16, $17, $18, $19, $20)
       RETURNING ${QUOTE_COLUMNS}`,
      [
        q.id,
        q.number,
        q.revision,
        q.previousQuoteId,
        q.dealId,
        q.contactId,
        q.accountId,
        q.priceBookId,
        q.currency,
        q.currencyDigits,
        t.grossMinor,
        t.discountMinor,
        t.netMinor,
        t.taxMinor,
        t.totalMinor,
        q.validUntil,
        q.billingName,
        q.billingEmail,
        q.billingAddress ? JSON.stringify(q.billingAddress) : null,
        q.createdBy,
      ],
    );
    return rows[0];
  },

  async replaceLines(
    m: EntityManager,
    quoteId: string,
    lines: PricedQuoteLine[],
    ids: string[],
  ): Promise<QuoteLineRow[]> {
    await m.query(`DELETE FROM quote_lines WHERE quote_id = $1`, [quoteId]);
    const values: unknown[] = [];
    const tuples = lines.map((l, i) => {
      values.push(
        ids[i],
        quoteId,
        l.lineNo,
        l.productId,
        l.sku,
        l.name,
        l.model,
        l.quantity,
        l.unitPriceMinor,
        l.priceOverridden,
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
      `INSERT INTO quote_lines (id, quote_id, line_no, product_id, sku, name, model, quantity, unit_price_minor,
              price_overridden, discount_thousandths, tax_thousandths, gross_minor, discount_minor, net_minor, tax_minor,
              total_minor)
       VALUES ${tuples.join(', ')} RETURNING ${QUOTE_LINE_COLUMNS}`,
      values,
    );
  },

  async quote(m: EntityManager, id: string, lock = false): Promise<QuoteRow | undefined> {
    const rows: QuoteRow[] = await m.query(
      `SELECT ${QUOTE_COLUMNS} FROM quotes WHERE id = $1 ${lock ? 'FOR UPDATE' : ''}`,
      [id],
    );
    return rows[0];
  },

  lines(m: EntityManager, quoteIds: string[]): Promise<QuoteLineRow[]> {
    return m.query(
      `SELECT ${QUOTE_LINE_COLUMNS} FROM quote_lines WHERE quote_id = ANY($1::uuid[]) ORDER BY quote_id, line_no`,
      [quoteIds],
    );
  },

  /** Sets the columns named (a fixed set chosen by the service), version + 1. */
  async update(m: EntityManager, id: string, set: Record<string, unknown>): Promise<QuoteRow> {
    const columns = Object.keys(set);
    const assignments = columns.map((c, i) => `${c} = $${i + 2}`).join(', ');
    const rows: [QuoteRow[], number] = await m.query(
      `UPDATE quotes SET ${assignments}${columns.length ? ',' : ''} version = version + 1, updated_at = now()
        WHERE id = $1 RETURNING ${QUOTE_COLUMNS}`,
      [id, ...columns.map((c) => set[c])],
    );
    return rows[0][0];
  },

  page(m: EntityManager, f: QuoteFilter, after: string | null, limit: number): Promise<QuoteRow[]> {
    return m.query(
      `SELECT ${QUOTE_COLUMNS} FROM quotes
        WHERE ($1::uuid IS NULL OR deal_id = $1)
          AND ($2::text IS NULL OR status = $2)
          AND ($3::uuid IS NULL OR contact_id = $3)
          AND ($4::uuid IS NULL OR account_id = $4)
          AND ($5::text IS NULL OR currency = $5)
          AND ($6::boolean IS NULL OR (superseded_by IS NULL) = $6)
          AND ($7::timestamptz IS NULL OR created_at >= $7)
          AND ($8::timestamptz IS NULL OR created_at < $8)
          AND ($9::bigint IS NULL OR total_minor >= $9)
          AND ($10::bigint IS NULL OR total_minor <= $10)
          AND ($11::uuid IS NULL OR id < $11)
        ORDER BY id DESC LIMIT $12`,
      [
        f.dealId ?? null,
        f.status ?? null,
        f.contactId ?? null,
        f.accountId ?? null,
        f.currency ?? null,
        f.current === undefined ? null : f.current === 'true',
        f.createdFrom ?? null,
        f.createdTo ?? null,
        f.minTotalMinor ?? null,
        f.maxTotalMinor ?? null,
        after,
        limit,
      ],
    );
  },
};
