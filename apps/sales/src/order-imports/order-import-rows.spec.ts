import { OrderRowPreparer, toMinor, type OrdersMapping } from './order-import-rows';

const mapping: OrdersMapping = {
  columns: {
    Id: 'externalOrderId',
    Ch: 'channel',
    At: 'placedAt',
    Cur: 'currency',
    Sku: 'sku',
    Qty: 'quantity',
    Price: 'unitPrice',
    Disc: 'discountPercent',
  },
};
const row = (over: Record<string, string> = {}) => ({
  Id: 'A-1',
  Ch: 'web',
  At: '2025-01-01T00:00:00Z',
  Cur: 'EUR',
  Sku: 'TV-55',
  Qty: '2',
  Price: '10.05',
  Disc: '',
  ...over,
});

describe('the orders import row checks', () => {
  const p = new OrderRowPreparer(mapping);

  it('prices a line as POST /orders does: decimals to minor units, discount rounded half up', () => {
    const { staged, problems } = p.prepare(row({ Disc: '12.5' }));
    expect(problems).toEqual([]);
    const f = staged!.split('\t');
    // ok, channel, external id, location, placed at, status, contact, contact ext, currency, digits, sku, name, model,
    // quantity, unit price, discount, tax, gross, discount, net, tax, total
    expect(f).toEqual([
      't',
      'web',
      'A-1',
      '\\N',
      '2025-01-01T00:00:00Z',
      'placed',
      '\\N',
      '\\N',
      'EUR',
      '2',
      'TV-55',
      '\\N',
      '\\N',
      '2',
      '1005',
      '12500',
      '0',
      '2010',
      '251',
      '1759',
      '0',
      '1759',
    ]);
  });

  it('gives the DTO’s messages on the CSV column, and keeps the order’s key on a refused line', () => {
    const cases: [Record<string, string>, string, string][] = [
      [{ Qty: '1.5' }, 'Qty', 'must be a whole number'],
      [{ Qty: '2000000' }, 'Qty', 'must be at most 1,000,000'],
      [{ Disc: '101' }, 'Disc', 'must be a percentage from 0 to 100 with at most 3 decimals'],
      [{ Sku: 'bad sku!' }, 'Sku', 'must be 1-64 letters, digits, dots, dashes, underscores or slashes'],
      [{ Cur: 'XYZ' }, 'Cur', 'must be an ISO 4217 currency code in upper case, such as EUR'],
      [{ At: '2025-13-01T00:00:00Z' }, 'At', 'must be a date-time, e.g. 2026-03-01T10:00:00Z'],
      [{ Price: '1e5' }, 'Price', 'must be an amount such as 12.99 (no sign, no currency symbol)'],
    ];
    for (const [over, column, message] of cases) {
      const { staged, problems } = p.prepare(row(over));
      expect([over, problems[0]]).toEqual([over, expect.objectContaining({ column, message })]);
      expect(staged!.split('\t').slice(0, 3)).toEqual(['f', 'web', 'A-1']);
    }
    expect(p.prepare(row({ Ch: 'fax' })).staged).toBeNull();
  });

  it('reads decimal amounts in the currency’s own minor unit', () => {
    expect(toMinor('12.99', 2)).toBe(1299);
    expect(toMinor('12,5', 2)).toBe(1250);
    expect(toMinor('1500', 0)).toBe(1500);
    expect(toMinor('1.5', 0)).toBe('must be a whole amount in this currency');
    expect(toMinor('1.2345', 3)).toBe('must have at most 3 decimals');
    expect(toMinor('-1', 2)).toMatch(/^must be an amount/);
  });
});
