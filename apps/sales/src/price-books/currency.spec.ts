import { currencyDigits, isIsoCurrency, ISO_4217_CURRENCIES } from './currency';

describe('ISO 4217 currencies', () => {
  it('knows the minor-unit digits of each currency', () => {
    expect(['EUR', 'USD', 'GBP', 'JPY', 'KRW', 'KWD', 'BHD', 'IDR'].map(currencyDigits)).toEqual([
      2, 2, 2, 0, 0, 3, 3, 2,
    ]);
  });

  it('refuses codes that are not current ISO 4217 currencies, or not upper case', () => {
    for (const bad of ['eur', 'EURO', 'XXX', 'XAU', 'CLF', 'DEM', 'HRK', 'ZWL', 'ZZZ', '', 42, null])
      expect(isIsoCurrency(bad)).toBe(false);
    expect(() => currencyDigits('DEM')).toThrow('ISO 4217');
  });

  it("agrees with the runtime's Intl currency list on every code it knows, bar the newest", () => {
    const intl = new Set(Intl.supportedValuesOf('currency'));
    // Introduced 2021-2025; older ICU builds may not list them yet.
    const newest = new Set(['VED', 'SLE', 'ZWG', 'XCG']);
    expect(ISO_4217_CURRENCIES.filter((c) => !intl.has(c) && !newest.has(c))).toEqual([]);
    expect(ISO_4217_CURRENCIES.length).toBeGreaterThan(150);
    // What Intl lists beyond the table is withdrawn (HRK 2023, ZWL 2024, ...) or not money for sale (XDR, XSU).
    const known = new Set(['CUC', 'HRK', 'SLL', 'ZWL', 'XDR', 'XSU', 'XAU', 'XAG', 'XPD', 'XPT', 'XTS', 'XXX']);
    const ours = new Set(ISO_4217_CURRENCIES);
    expect([...intl].filter((c) => !ours.has(c) && !known.has(c))).toEqual([]);
  });
});
