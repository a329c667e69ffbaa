import { SALES_QUOTE_STATUSES, type SalesQuoteStatus } from '@crm/contracts';
import { canMoveQuote, canReviseQuote, isQuoteDue, isQuoteEditable } from './quote-status';

describe('quote status machine', () => {
  const allowed: [SalesQuoteStatus, SalesQuoteStatus][] = [
    ['draft', 'sent'],
    ['sent', 'accepted'],
    ['sent', 'rejected'],
    ['sent', 'expired'],
  ];

  it.each(allowed)('moves a %s quote to %s', (from, to) => expect(canMoveQuote(from, to)).toBe(true));

  it('refuses every other move', () => {
    for (const from of SALES_QUOTE_STATUSES)
      for (const to of SALES_QUOTE_STATUSES)
        if (!allowed.some(([f, t]) => f === from && t === to))
          expect([from, to, canMoveQuote(from, to)]).toEqual([from, to, false]);
  });

  it('edits only drafts, and revises sent, rejected and expired quotes into a new version', () => {
    expect(SALES_QUOTE_STATUSES.filter(isQuoteEditable)).toEqual(['draft']);
    expect(SALES_QUOTE_STATUSES.filter(canReviseQuote)).toEqual(['sent', 'rejected', 'expired']);
  });

  it('counts a quote valid through the whole of its last day (UTC)', () => {
    expect(isQuoteDue('2026-03-31', new Date('2026-03-31T23:59:59Z'))).toBe(false);
    expect(isQuoteDue('2026-03-31', new Date('2026-04-01T00:00:00Z'))).toBe(true);
    expect(isQuoteDue(null, new Date('2999-01-01T00:00:00Z'))).toBe(false);
  });
});
