import { Injectable } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import type { DataSource, EntityManager } from 'typeorm';
import { SALES_ORDERS_EVENTS, type SalesQuoteStatus } from '@crm/contracts';
import { EventPublisher } from '@crm/messaging';
import { decodeCursor, encodeCursor, inTransaction, isUuid, uuidv7 } from '@crm/persistence';
import { validationFailed, type Page, type Principal } from '@crm/platform';
import { OrdersService } from '../orders/orders.service';
import { requestHash } from '../orders/request-hash';
import { currencyDigits } from '../price-books/currency';
import { sumAmounts } from '../price-books/line-totals';
import { salesError } from '../shared/sales-errors';
import type { AcceptQuoteDto, CreateQuoteDto, QuoteListQuery, UpdateQuoteDto } from './dto/quote.dto';
import { priceQuoteLines, type PricedQuoteLine } from './quote-lines';
import { canMoveQuote, canReviseQuote, isQuoteDue, isQuoteEditable } from './quote-status';
import { quotePayload, quoteView, type QuoteLineRow, type QuoteRow, type QuoteView } from './quote-view';
import { quotesRepository as repo } from './quotes.repository';

const today = (now = new Date()) => now.toISOString().slice(0, 10);

function notFound(id: string) {
  return salesError('QUOTE_NOT_FOUND', `No quote ${id}`);
}

function refuseMove(q: QuoteRow, to: SalesQuoteStatus) {
  if (q.superseded_by)
    return salesError('QUOTE_SUPERSEDED', `Quote ${q.number} revision ${q.revision} was revised: use the newest one`, {
      supersededBy: q.superseded_by,
      errors: [{ field: 'status', message: `revision ${q.revision} was superseded by ${q.superseded_by}` }],
    });
  return salesError('QUOTE_TRANSITION_INVALID', `A ${q.status} quote cannot become ${to}`, {
    status: q.status,
    errors: [{ field: 'status', message: `is ${q.status}: it cannot become ${to}` }],
  });
}

function checkValidUntil(validUntil: string | undefined | null): void {
  if (validUntil && validUntil < today())
    throw validationFailed([{ field: 'validUntil', message: 'must not be in the past' }]);
}

@Injectable()
export class QuotesService {
  constructor(
    @InjectDataSource() private readonly dataSource: DataSource,
    private readonly events: EventPublisher,
    private readonly orders: OrdersService,
  ) {}

  /** A draft quote (revision 1) for a deal, its contact and account taken from the deal. */
  create(dto: CreateQuoteDto, by: Principal): Promise<QuoteView> {
    checkValidUntil(dto.validUntil);
    return inTransaction(this.dataSource, async (m) => {
      const deals: { contact_id: string | null; account_id: string | null; currency: string }[] = await m.query(
        `SELECT contact_id, account_id, currency FROM deals WHERE id = $1 FOR SHARE`,
        [dto.dealId],
      );
      if (!deals.length)
        throw salesError('DEAL_NOT_FOUND', `No deal ${dto.dealId}`, {
          errors: [{ field: 'dealId', message: 'is not a deal' }],
        });
      const currency = dto.currency ?? deals[0].currency;
      const priced = await priceQuoteLines(m, dto.lines, currency, today(), dto.priceBookId);
      const id = uuidv7();
      const row = await repo.insert(m, {
        id,
        number: null,
        revision: 1,
        previousQuoteId: null,
        dealId: dto.dealId,
        contactId: deals[0].contact_id,
        accountId: deals[0].account_id,
        priceBookId: priced.priceBookId,
        currency,
        currencyDigits: currencyDigits(currency),
        totals: sumAmounts(priced.lines),
        validUntil: dto.validUntil ?? null,
        billingName: dto.billing?.name?.trim() ?? null,
        billingEmail: dto.billing?.email ?? null,
        billingAddress: dto.billing?.address ?? null,
        createdBy: by.subject,
      });
      const lines = await this.writeLines(m, id, priced.lines);
      return quoteView(row, lines);
    });
  }

  async get(id: string): Promise<QuoteView> {
    const m = this.dataSource.manager;
    const q = await repo.quote(m, id);
    if (!q) throw notFound(id);
    return quoteView(q, await repo.lines(m, [id]));
  }

  async list(query: QuoteListQuery): Promise<Page<QuoteView>> {
    const limit = query.limit ?? 50;
    let after: string | null = null;
    if (query.cursor) {
      const [value] = decodeCursor(query.cursor, 1);
      if (typeof value !== 'string' || !isUuid(value))
        throw salesError('CURSOR_INVALID', 'The cursor is not valid', {
          errors: [{ field: 'cursor', message: 'is not a cursor of this listing' }],
        });
      after = value;
    }
    if (
      query.minTotalMinor !== undefined &&
      query.maxTotalMinor !== undefined &&
      query.maxTotalMinor < query.minTotalMinor
    )
      throw validationFailed([{ field: 'maxTotalMinor', message: 'must not be below minTotalMinor' }]);
    const m = this.dataSource.manager;
    const rows = await repo.page(m, query, after, limit + 1);
    const page = rows.slice(0, limit);
    const lines = page.length
      ? await repo.lines(
          m,
          page.map((q) => q.id),
        )
      : [];
    return {
      items: page.map((q) =>
        quoteView(
          q,
          lines.filter((l) => l.quote_id === q.id),
        ),
      ),
      nextCursor: rows.length > limit ? encodeCursor([page[page.length - 1].id]) : null,
    };
  }

  /** Changes a draft in place: new lines are priced again; other statuses are frozen (revise instead). */
  update(id: string, dto: UpdateQuoteDto, expectedVersion?: number): Promise<QuoteView> {
    checkValidUntil(dto.validUntil);
    return inTransaction(this.dataSource, async (m) => {
      const q = await this.lock(m, id, expectedVersion);
      if (!isQuoteEditable(q.status) || q.superseded_by)
        throw salesError('QUOTE_NOT_EDITABLE', `A ${q.status} quote is not changed in place: revise it instead`, {
          status: q.status,
        });
      let lines = await repo.lines(m, [id]);
      const set: Record<string, unknown> = {};
      const repricing = dto.lines !== undefined || dto.priceBookId !== undefined;
      if (repricing) {
        const asked = dto.lines ?? lines.map(lineAsDto);
        const priced = await priceQuoteLines(
          m,
          asked,
          q.currency,
          today(),
          dto.priceBookId ?? q.price_book_id ?? undefined,
        );
        lines = await this.writeLines(m, id, priced.lines);
        Object.assign(set, totalsColumns(sumAmounts(priced.lines)), { price_book_id: priced.priceBookId });
      }
      if (dto.validUntil !== undefined) set['valid_until'] = dto.validUntil;
      if (dto.billing !== undefined)
        Object.assign(set, {
          billing_name: dto.billing.name?.trim() ?? null,
          billing_email: dto.billing.email ?? null,
          billing_address: dto.billing.address ? JSON.stringify(dto.billing.address) : null,
        });
      return quoteView(await repo.update(m, id, set), lines);
    });
  }

  send(id: string): Promise<QuoteView> {
    return this.move(id, 'sent', async (m, q) => {
      if (q.valid_until && isQuoteDue(q.valid_until, new Date()))
        throw validationFailed([{ field: 'validUntil', message: 'has passed: change it before sending' }]);
      return repo.update(m, id, { status: 'sent', sent_at: new Date() });
    });
  }

  reject(id: string, reason: string | undefined): Promise<QuoteView> {
    return this.move(id, 'rejected', (m) =>
      repo.update(m, id, { status: 'rejected', rejected_at: new Date(), rejection_reason: reason ?? null }),
    );
  }

  /** Accepts a sent, current, unexpired quote; by default places its order in the same transaction. */
  accept(id: string, dto: AcceptQuoteDto, by: Principal): Promise<QuoteView> {
    return this.move(id, 'accepted', async (m, q, lines) => {
      if (isQuoteDue(q.valid_until, new Date()))
        throw salesError('QUOTE_EXPIRED', `Quote ${q.number} was valid until ${q.valid_until}`, {
          errors: [{ field: 'validUntil', message: `was ${q.valid_until}: the quote has expired` }],
        });
      let orderId: string | null = null;
      if (dto.createOrder !== false) {
        const placed = await this.orders.place(m, {
          channel: dto.channel ?? 'phone',
          location: dto.location?.trim() ?? null,
          externalOrderId: dto.externalOrderId?.trim() ?? null,
          contactId: q.contact_id,
          accountId: q.account_id,
          dealId: q.deal_id,
          quoteId: q.id,
          currency: q.currency,
          placedAt: new Date(),
          status: 'placed',
          lines: lines.map((l) => ({
            lineNo: l.line_no,
            productId: l.product_id,
            sku: l.sku,
            name: l.name,
            model: l.model,
            serialNumbers: [],
            quantity: l.quantity,
            unitPriceMinor: Number(l.unit_price_minor),
            discountThousandths: l.discount_thousandths,
            taxThousandths: l.tax_thousandths,
            grossMinor: Number(l.gross_minor),
            discountMinor: Number(l.discount_minor),
            netMinor: Number(l.net_minor),
            taxMinor: Number(l.tax_minor),
            totalMinor: Number(l.total_minor),
          })),
          billing: {
            name: q.billing_name ?? undefined,
            email: q.billing_email ?? undefined,
            address: q.billing_address ?? undefined,
          },
          idempotencyKey: null,
          requestHash: requestHash({ quoteId: q.id, externalOrderId: dto.externalOrderId ?? null }),
          createdBy: by.subject,
        });
        orderId = placed.order.id;
      }
      return repo.update(m, id, { status: 'accepted', accepted_at: new Date(), order_id: orderId });
    });
  }

  /** A new draft revision with the same number and lines; the old one is marked superseded. */
  revise(id: string, by: Principal): Promise<QuoteView> {
    return inTransaction(this.dataSource, async (m) => {
      const q = await this.lock(m, id);
      if (q.superseded_by) throw refuseMove(q, 'draft');
      if (!canReviseQuote(q.status))
        throw salesError('QUOTE_TRANSITION_INVALID', `A ${q.status} quote cannot be revised`, {
          status: q.status,
          errors: [
            {
              field: 'status',
              message: q.status === 'draft' ? 'is draft: change it in place' : `is ${q.status}: it cannot be revised`,
            },
          ],
        });
      const old = await repo.lines(m, [id]);
      const newId = uuidv7();
      const row = await repo.insert(m, {
        id: newId,
        number: q.number,
        revision: q.revision + 1,
        previousQuoteId: q.id,
        dealId: q.deal_id,
        contactId: q.contact_id,
        accountId: q.account_id,
        priceBookId: q.price_book_id,
        currency: q.currency,
        currencyDigits: q.currency_digits,
        totals: {
          grossMinor: Number(q.gross_minor),
          discountMinor: Number(q.discount_minor),
          netMinor: Number(q.net_minor),
          taxMinor: Number(q.tax_minor),
          totalMinor: Number(q.total_minor),
        },
        validUntil: q.valid_until && q.valid_until >= today() ? q.valid_until : null,
        billingName: q.billing_name,
        billingEmail: q.billing_email,
        billingAddress: q.billing_address,
        createdBy: by.subject,
      });
      const lines = await this.writeLines(m, newId, old.map(lineAsPriced));
      await repo.update(m, id, { superseded_by: newId });
      return quoteView(row, lines);
    });
  }

  private move(
    id: string,
    to: SalesQuoteStatus,
    apply: (m: EntityManager, q: QuoteRow, lines: QuoteLineRow[]) => Promise<QuoteRow>,
  ): Promise<QuoteView> {
    return inTransaction(this.dataSource, async (m) => {
      const q = await this.lock(m, id);
      if (q.superseded_by || !canMoveQuote(q.status, to)) throw refuseMove(q, to);
      const lines = await repo.lines(m, [id]);
      const row = await apply(m, q, lines);
      const type = {
        sent: SALES_ORDERS_EVENTS.quoteSent,
        accepted: SALES_ORDERS_EVENTS.quoteAccepted,
        rejected: SALES_ORDERS_EVENTS.quoteRejected,
        expired: SALES_ORDERS_EVENTS.quoteExpired,
        draft: null,
      }[to];
      if (type)
        await this.events.publish(m, { type, subject: id, version: row.version, data: quotePayload(row, lines) });
      return quoteView(row, lines);
    });
  }

  private async lock(m: EntityManager, id: string, expectedVersion?: number): Promise<QuoteRow> {
    const q = await repo.quote(m, id, true);
    if (!q) throw notFound(id);
    if (expectedVersion !== undefined && expectedVersion !== q.version)
      throw salesError('VERSION_CONFLICT', `Quote ${id} is at version ${q.version}, not ${expectedVersion}`, {
        currentVersion: q.version,
      });
    return q;
  }

  private writeLines(m: EntityManager, quoteId: string, lines: PricedQuoteLine[]): Promise<QuoteLineRow[]> {
    return repo.replaceLines(
      m,
      quoteId,
      lines,
      lines.map(() => uuidv7()),
    );
  }
}

function totalsColumns(t: ReturnType<typeof sumAmounts>): Record<string, number> {
  return {
    gross_minor: t.grossMinor,
    discount_minor: t.discountMinor,
    net_minor: t.netMinor,
    tax_minor: t.taxMinor,
    total_minor: t.totalMinor,
  };
}

/** A stored line asked for again (a price book change re-prices lines that had no override). */
function lineAsDto(l: QuoteLineRow) {
  return {
    productId: l.product_id,
    quantity: l.quantity,
    unitPriceMinor: l.price_overridden ? Number(l.unit_price_minor) : undefined,
    discountPercent: l.discount_thousandths / 1000,
    taxRatePercent: l.tax_thousandths / 1000,
  };
}

function lineAsPriced(l: QuoteLineRow): PricedQuoteLine {
  return {
    lineNo: l.line_no,
    productId: l.product_id,
    sku: l.sku,
    name: l.name,
    model: l.model,
    serialNumbers: [],
    quantity: l.quantity,
    unitPriceMinor: Number(l.unit_price_minor),
    priceOverridden: l.price_overridden,
    discountThousandths: l.discount_thousandths,
    taxThousandths: l.tax_thousandths,
    grossMinor: Number(l.gross_minor),
    discountMinor: Number(l.discount_minor),
    netMinor: Number(l.net_minor),
    taxMinor: Number(l.tax_minor),
    totalMinor: Number(l.total_minor),
  };
}
