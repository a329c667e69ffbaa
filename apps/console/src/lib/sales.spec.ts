import { describe, expect, it } from 'vitest';
import { duration, lineTotals, parseMoney, quoteTotals } from './sales';

describe('quote totals as sales computes them', () => {
  it('rounds the discount and the tax half up, per line, in minor units', () => {
    // 3 × 3.33 = 9.99; 12.5 % off = 1.24875 → 1.25; net 8.74; 19 % tax = 1.6606 → 1.66.
    expect(lineTotals({ quantity: 3, unitPriceMinor: 333, discountPercent: 12.5, taxRatePercent: 19 })).toEqual({
      grossMinor: 999,
      discountMinor: 125,
      netMinor: 874,
      taxMinor: 166,
      totalMinor: 1040,
    });
    // A half goes up: 5 % of 10 = 0.5 → 1.
    expect(lineTotals({ quantity: 1, unitPriceMinor: 10, discountPercent: 5, taxRatePercent: 0 }).discountMinor).toBe(
      1,
    );
  });
  it('adds up the rounded lines, not the raw amounts', () => {
    const line = { quantity: 1, unitPriceMinor: 10, discountPercent: 5, taxRatePercent: 0 };
    expect(quoteTotals([line, line]).discountMinor).toBe(2);
    expect(quoteTotals([]).totalMinor).toBe(0);
  });
  it('is exact past 2^53 in the intermediate product', () => {
    expect(
      lineTotals({ quantity: 1_000_000, unitPriceMinor: 1_000_000_000, discountPercent: 33.333, taxRatePercent: 0 })
        .discountMinor,
    ).toBe(333_330_000_000_000);
  });
});

describe('amounts and durations in words', () => {
  it('reads typed amounts in minor units and refuses what is not one', () => {
    expect(parseMoney('1299.5')).toBe(129_950);
    expect(parseMoney('1 299,50')).toBe(129_950);
    expect(parseMoney('12', 0)).toBe(12);
    expect(parseMoney('1.234')).toBeNull();
    expect(parseMoney('-3')).toBeNull();
  });
  it('says how long a deal spent in a stage', () => {
    expect(duration(42)).toBe('42 s');
    expect(duration(3 * 3600 + 5 * 60)).toBe('3 h 05 min');
    expect(duration(4 * 86400 + 2 * 3600 + 59)).toBe('4 d 2 h');
  });
});
