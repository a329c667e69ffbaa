import { SALES_ORDERS_EVENTS } from '@crm/contracts';
import { seedCatalogue, seedDeal, type Catalogue } from '../orders/sales-orders-fixtures';
import { startSalesApp, type SalesTestApp } from '../testing/sales-test-app';
import { expireDueQuotes } from './expire-due-quotes';
import { QUOTE_EXPIRY_JOB, QuoteExpiryJob } from './quote-expiry.job';

jest.setTimeout(60_000);

interface Line {
  sku: string;
  unitPriceMinor: number;
  priceOverridden: boolean;
  grossMinor: number;
  discountMinor: number;
  netMinor: number;
  taxMinor: number;
  totalMinor: number;
}
interface Quote {
  id: string;
  number: string;
  revision: number;
  version: number;
  status: string;
  previousQuoteId: string | null;
  supersededBy: string | null;
  dealId: string;
  contactId: string | null;
  accountId: string | null;
  priceBookId: string | null;
  currency: string;
  grossMinor: number;
  discountMinor: number;
  netMinor: number;
  taxMinor: number;
  totalMinor: number;
  validUntil: string | null;
  orderId: string | null;
  lines: Line[];
}
interface Problem {
  code: string;
  errors?: { field: string; message: string }[];
}

const inDays = (n: number) => new Date(Date.now() + n * 86_400_000).toISOString().slice(0, 10);

describe('quotes for a deal (real Postgres)', () => {
  let t: SalesTestApp;
  let c: Catalogue;
  let deal: Awaited<ReturnType<typeof seedDeal>>;

  beforeAll(async () => {
    t = await startSalesApp('quotes');
    c = await seedCatalogue(t);
    deal = await seedDeal(t);
  });
  afterAll(() => t.close());

  const draft = (lines: Record<string, unknown>[], extra: Record<string, unknown> = {}) =>
    t.call<Quote>('POST', '/quotes', { body: { dealId: deal.dealId, lines, validUntil: inDays(30), ...extra } });

  it('totals a table of lines with discounts and taxes to the cent, rounding half-up per line', async () => {
    const res = await draft([
      { productId: c.tv, quantity: 2, discountPercent: 12.5, taxRatePercent: 20 }, // 259800 - 32475 = 227325; tax 45465
      { productId: c.cable, quantity: 3, discountPercent: 33.333, taxRatePercent: 19 }, // 5997 - 1999 (1998.98) = 3998; tax 759.62 -> 760
      { productId: c.cable, quantity: 1, unitPriceMinor: 5, discountPercent: 10, taxRatePercent: 0 }, // 5 - 1 (0.5 up) = 4
      { productId: c.tv, quantity: 1, unitPriceMinor: 250, taxRatePercent: 0.2 }, // tax 0.5 -> 1
      { productId: c.cable, quantity: 7, unitPriceMinor: 1333, discountPercent: 12.5, taxRatePercent: 8.875 }, // 9331 - 1166 = 8165; tax 724.64 -> 725
    ]);
    expect(res.status).toBe(201);
    const q = res.body;
    expect(q).toMatchObject({
      status: 'draft',
      revision: 1,
      currency: 'EUR',
      priceBookId: c.bookId,
      contactId: deal.contactId,
      accountId: deal.accountId,
    });
    expect(q.number).toMatch(/^Q-\d{6}$/);
    expect(
      q.lines.map((l) => [
        l.unitPriceMinor,
        l.priceOverridden,
        l.grossMinor,
        l.discountMinor,
        l.netMinor,
        l.taxMinor,
        l.totalMinor,
      ]),
    ).toEqual([
      [129_900, false, 259_800, 32_475, 227_325, 45_465, 272_790],
      [1_999, false, 5_997, 1_999, 3_998, 760, 4_758],
      [5, true, 5, 1, 4, 0, 4],
      [250, true, 250, 0, 250, 1, 251],
      [1_333, true, 9_331, 1_166, 8_165, 725, 8_890],
    ]);
    expect([q.grossMinor, q.discountMinor, q.netMinor, q.taxMinor, q.totalMinor]).toEqual([
      275_383, 35_641, 239_742, 46_951, 286_693,
    ]);
  });

  it('refuses a line for an inactive product, naming the line, and writes nothing', async () => {
    const before = await t.count('quotes');
    const res = await t.call<Problem>('POST', '/quotes', {
      body: {
        dealId: deal.dealId,
        lines: [
          { productId: c.tv, quantity: 1 },
          { productId: c.retired, quantity: 1 },
        ],
      },
    });
    expect(res.status).toBe(422);
    expect(res.body.code).toBe('PRODUCT_INACTIVE');
    expect(res.body.errors?.map((e) => e.field)).toEqual(['lines.1.productId']);
    expect(await t.count('quotes')).toBe(before);
  });

  it('refuses a price book of another currency and a deal that does not exist', async () => {
    const usd = await t.call<{ id: string }>('POST', '/price-books', { body: { name: 'US list', currency: 'USD' } });
    const mismatch = await t.call<Problem>('POST', '/quotes', {
      body: { dealId: deal.dealId, priceBookId: usd.body.id, lines: [{ productId: c.tv, quantity: 1 }] },
    });
    expect([mismatch.status, mismatch.body.code, mismatch.body.errors?.[0].field]).toEqual([
      422,
      'PRICE_BOOK_CURRENCY_MISMATCH',
      'priceBookId',
    ]);
    const noDeal = await t.call<Problem>('POST', '/quotes', {
      body: { dealId: '0190f0f0-0000-7000-8000-0000000000aa', lines: [{ productId: c.tv, quantity: 1 }] },
    });
    expect([noDeal.status, noDeal.body.code]).toEqual([404, 'DEAL_NOT_FOUND']);
  });

  it('edits a draft in place, then freezes it once sent; revising makes revision 2 and supersedes revision 1', async () => {
    const q = (await draft([{ productId: c.tv, quantity: 1 }])).body;
    const edited = await t.call<Quote>('PATCH', `/quotes/${q.id}`, {
      body: { lines: [{ productId: c.tv, quantity: 2 }] },
      headers: { 'if-match': '"1"' },
    });
    expect([edited.status, edited.body.version, edited.body.totalMinor]).toEqual([200, 2, 259_800]);
    const sent = await t.call<Quote>('POST', `/quotes/${q.id}/send`);
    expect(sent.body.status).toBe('sent');
    const frozen = await t.call<Problem>('PATCH', `/quotes/${q.id}`, { body: { validUntil: inDays(60) } });
    expect([frozen.status, frozen.body.code]).toEqual([409, 'QUOTE_NOT_EDITABLE']);
    const revised = await t.call<Quote>('POST', `/quotes/${q.id}/revise`);
    expect(revised.status).toBe(201);
    expect(revised.body).toMatchObject({
      number: q.number,
      revision: 2,
      status: 'draft',
      previousQuoteId: q.id,
      totalMinor: 259_800,
    });
    expect(revised.body.id).not.toBe(q.id);
    const old = await t.call<Quote>('GET', `/quotes/${q.id}`);
    expect(old.body.supersededBy).toBe(revised.body.id);
    const acceptOld = await t.call<Problem>('POST', `/quotes/${q.id}/accept`);
    expect([acceptOld.status, acceptOld.body.code]).toEqual([409, 'QUOTE_SUPERSEDED']);
    const current = await t.call<{ items: Quote[] }>('GET', `/quotes?dealId=${deal.dealId}&current=true&limit=200`);
    expect(current.body.items.map((x) => x.id)).not.toContain(q.id);
    expect(current.body.items.map((x) => x.id)).toContain(revised.body.id);
  });

  it('refuses transitions the status machine does not allow', async () => {
    const q = (await draft([{ productId: c.cable, quantity: 1 }])).body;
    const acceptDraft = await t.call<Problem>('POST', `/quotes/${q.id}/accept`);
    expect([acceptDraft.status, acceptDraft.body.code, acceptDraft.body.errors?.[0].field]).toEqual([
      422,
      'QUOTE_TRANSITION_INVALID',
      'status',
    ]);
    await t.call('POST', `/quotes/${q.id}/send`);
    const rejected = await t.call<Quote>('POST', `/quotes/${q.id}/reject`, { body: { reason: 'too dear' } });
    expect(rejected.body.status).toBe('rejected');
    const acceptRejected = await t.call<Problem>('POST', `/quotes/${q.id}/accept`, { body: {} });
    expect(acceptRejected.body.code).toBe('QUOTE_TRANSITION_INVALID');
    const sendAgain = await t.call<Problem>('POST', `/quotes/${q.id}/send`);
    expect(sendAgain.body.code).toBe('QUOTE_TRANSITION_INVALID');
    expect((await t.outbox({ subject: q.id })).map((e) => e.type)).toEqual([
      SALES_ORDERS_EVENTS.quoteSent,
      SALES_ORDERS_EVENTS.quoteRejected,
    ]);
  });

  it('accepting a sent quote places its order in the same transaction, with both events', async () => {
    const q = (
      await draft([{ productId: c.tv, quantity: 1, taxRatePercent: 20 }], {
        billing: { name: 'Acme Ltd', email: 'buyer@acme.example' },
      })
    ).body;
    await t.call('POST', `/quotes/${q.id}/send`);
    const accepted = await t.call<Quote>('POST', `/quotes/${q.id}/accept`, { body: { channel: 'partner' } });
    expect(accepted.status).toBe(200);
    expect(accepted.body.status).toBe('accepted');
    const orderId = accepted.body.orderId;
    expect(orderId).toEqual(expect.any(String));
    const order = await t.call<{
      quoteId: string;
      dealId: string;
      channel: string;
      totalMinor: number;
      billing: { name: string };
    }>('GET', `/orders/${orderId}`);
    expect(order.body).toMatchObject({
      quoteId: q.id,
      dealId: deal.dealId,
      channel: 'partner',
      totalMinor: q.totalMinor,
      billing: { name: 'Acme Ltd' },
    });
    expect((await t.outbox({ type: SALES_ORDERS_EVENTS.quoteAccepted, subject: q.id }))[0].payload.data).toMatchObject({
      orderId,
      totalMinor: q.totalMinor,
    });
    expect(await t.outbox({ type: SALES_ORDERS_EVENTS.orderPlaced, subject: orderId ?? '' })).toHaveLength(1);
  });

  it('expires sent quotes past their last day by the scheduled function, once, with quote.expired', async () => {
    const due = (await draft([{ productId: c.cable, quantity: 1 }], { validUntil: inDays(1) })).body;
    const later = (await draft([{ productId: c.cable, quantity: 1 }], { validUntil: inDays(10) })).body;
    const unsent = (await draft([{ productId: c.cable, quantity: 1 }], { validUntil: inDays(1) })).body;
    await t.call('POST', `/quotes/${due.id}/send`);
    await t.call('POST', `/quotes/${later.id}/send`);
    const dataSource = t.app.get(await import('typeorm').then((m) => m.DataSource));
    const inTwoDays = new Date(Date.now() + 2 * 86_400_000);
    expect(await dataSource.transaction((m) => expireDueQuotes(m, new Date()))).toBe(0);
    const first = await dataSource.transaction((m) => expireDueQuotes(m, inTwoDays));
    const second = await dataSource.transaction((m) => expireDueQuotes(m, inTwoDays));
    expect([first, second]).toEqual([1, 0]);
    const statuses = await Promise.all(
      [due, later, unsent].map(async (q) => (await t.call<Quote>('GET', `/quotes/${q.id}`)).body.status),
    );
    expect(statuses).toEqual(['expired', 'sent', 'draft']);
    expect(await t.outbox({ type: SALES_ORDERS_EVENTS.quoteExpired, subject: due.id })).toHaveLength(1);
    // An expired quote can be revised into a new offer.
    const revised = await t.call<Quote>('POST', `/quotes/${due.id}/revise`);
    expect([revised.status, revised.body.revision, revised.body.validUntil]).toEqual([201, 2, inDays(1)]);
  });

  it('schedules the expiry as a durable job in the database, which expires what is due', async () => {
    const { rows } = await t.db.query(`SELECT name, cron FROM pgboss.schedule WHERE name = $1`, [QUOTE_EXPIRY_JOB]);
    expect(rows).toEqual([{ name: QUOTE_EXPIRY_JOB, cron: '*/5 * * * *' }]);
    const q = (await draft([{ productId: c.cable, quantity: 1 }], { validUntil: inDays(3) })).body;
    await t.call('POST', `/quotes/${q.id}/send`);
    expect(await t.app.get(QuoteExpiryJob).run(new Date(Date.now() + 4 * 86_400_000))).toBe(1);
    expect((await t.call<Quote>('GET', `/quotes/${q.id}`)).body.status).toBe('expired');
  });

  it('refuses accepting a quote past its last day even before the job ran', async () => {
    const q = (await draft([{ productId: c.cable, quantity: 1 }], { validUntil: inDays(0) })).body;
    await t.call('POST', `/quotes/${q.id}/send`);
    await t.db.query(`UPDATE quotes SET valid_until = current_date - 1 WHERE id = $1`, [q.id]);
    const res = await t.call<Problem>('POST', `/quotes/${q.id}/accept`);
    expect([res.status, res.body.code, res.body.errors?.[0].field]).toEqual([422, 'QUOTE_EXPIRED', 'validUntil']);
    expect((await t.call<Quote>('GET', `/quotes/${q.id}`)).body.orderId).toBeNull();
  });
});
