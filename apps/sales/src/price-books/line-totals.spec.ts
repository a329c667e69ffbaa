import {
  AmountTooLargeError,
  divideHalfUp,
  lineAmounts,
  percentToThousandths,
  refundAmount,
  sumAmounts,
  type LineInput,
} from './line-totals';

/** [what, quantity, unit price, discount %, tax %, gross, discount, net, tax, total] */
type Row = [string, number, number, number, number, number, number, number, number, number];

describe('line totals (integer minor units, half-up per line, then summed)', () => {
  const rows: Row[] = [
    ['no discount, 20 % tax', 3, 1999, 0, 20, 5997, 0, 5997, 1199, 7196], // tax 1199.4 -> 1199
    ['half a cent of discount rounds up', 1, 5, 10, 0, 5, 1, 4, 0, 4], // 0.5 -> 1
    ['just under half a cent of discount rounds down', 1, 4, 12.375, 0, 4, 0, 4, 0, 4], // 0.495 -> 0
    ['half a cent of tax rounds up', 1, 250, 0, 0.2, 250, 0, 250, 1, 251], // 0.5 -> 1
    ['12.5 % off then 19 % tax', 7, 1333, 12.5, 19, 9331, 1166, 8165, 1551, 9716], // 1166.375, 1551.35
    ['8.875 % tax (three decimals)', 2, 4999, 0, 8.875, 9998, 0, 9998, 887, 10885], // 887.3225
    ['15 % discount and 5.5 % tax', 4, 1250, 15, 5.5, 5000, 750, 4250, 234, 4484], // 233.75 -> 234
    ['a full discount leaves nothing to tax', 2, 10000, 100, 20, 20000, 20000, 0, 0, 0],
    ['a free line', 5, 0, 0, 20, 0, 0, 0, 0, 0],
    ['no tax', 10, 99, 33.333, 0, 990, 330, 660, 0, 660], // 329.9967 -> 330
    ['a yen price (0 digits) at 10 % tax', 3, 1980, 5, 10, 5940, 297, 5643, 564, 6207], // 564.3
    ['a dinar price (3 digits) at 16 % tax', 1, 12345, 2.5, 16, 12345, 309, 12036, 1926, 13962], // 308.625, 1925.76
  ];

  it.each(rows)('%s', (_what, quantity, unitPriceMinor, discountPercent, taxRatePercent, ...expected) => {
    const [grossMinor, discountMinor, netMinor, taxMinor, totalMinor] = expected;
    expect(lineAmounts({ quantity, unitPriceMinor, discountPercent, taxRatePercent })).toEqual({
      grossMinor,
      discountMinor,
      netMinor,
      taxMinor,
      totalMinor,
    });
  });

  it('sums the lines as rounded, so a document of many half cents is not rounded again', () => {
    const line: LineInput = { quantity: 1, unitPriceMinor: 5, discountPercent: 10, taxRatePercent: 0 };
    const lines = Array.from({ length: 3 }, () => lineAmounts(line));
    // Each line rounds 0.5 to 1; the document says 3, not round(1.5) = 2.
    expect(sumAmounts(lines)).toEqual({ grossMinor: 15, discountMinor: 3, netMinor: 12, taxMinor: 0, totalMinor: 12 });
  });

  it('totals the table of lines to the cent', () => {
    const amounts = rows
      .slice(0, 10)
      .map(([, quantity, unitPriceMinor, discountPercent, taxRatePercent]) =>
        lineAmounts({ quantity, unitPriceMinor, discountPercent, taxRatePercent }),
      );
    expect(sumAmounts(amounts)).toEqual({
      grossMinor: 5997 + 5 + 4 + 250 + 9331 + 9998 + 5000 + 20000 + 0 + 990,
      discountMinor: 0 + 1 + 0 + 0 + 1166 + 0 + 750 + 20000 + 0 + 330,
      netMinor: 5997 + 4 + 4 + 250 + 8165 + 9998 + 4250 + 0 + 0 + 660,
      taxMinor: 1199 + 0 + 0 + 1 + 1551 + 887 + 234 + 0 + 0 + 0,
      totalMinor: 7196 + 4 + 4 + 251 + 9716 + 10885 + 4484 + 0 + 0 + 660,
    });
  });

  it('stays exact beyond floating point: 999,999 units at 9,007,199,254 minor units each', () => {
    const a = lineAmounts({
      quantity: 999_999,
      unitPriceMinor: 9_007_199_254,
      discountPercent: 0.001,
      taxRatePercent: 0,
    });
    expect(a.grossMinor).toBe(9_007_190_246_800_746);
    // 9007190246800746 x 0.00001 = 90071902468.00746 -> 90071902468
    expect(a.discountMinor).toBe(90_071_902_468);
  });

  it('refuses a line whose amount passes 2^53 - 1 minor units, naming the amount', () => {
    expect(() =>
      lineAmounts({ quantity: 1_000_000, unitPriceMinor: 10_000_000_000, discountPercent: 0, taxRatePercent: 0 }),
    ).toThrow(AmountTooLargeError);
    expect(() =>
      lineAmounts({ quantity: 1, unitPriceMinor: Number.MAX_SAFE_INTEGER, discountPercent: 0, taxRatePercent: 1 }),
    ).toThrow(expect.objectContaining({ field: 'totalMinor' }));
  });

  it('refuses percentages out of 0..100 or with more than 3 decimals', () => {
    expect(percentToThousandths(12.5)).toBe(12_500);
    expect(percentToThousandths(8.875)).toBe(8_875);
    expect(percentToThousandths(0.001)).toBe(1);
    expect(percentToThousandths(100)).toBe(100_000);
    for (const bad of [-0.001, 100.001, 12.3456, Number.NaN, Number.POSITIVE_INFINITY])
      expect(percentToThousandths(bad)).toBeNull();
    expect(() => lineAmounts({ quantity: 1, unitPriceMinor: 1, discountPercent: 101, taxRatePercent: 0 })).toThrow(
      'discountPercent',
    );
    expect(() => lineAmounts({ quantity: -1, unitPriceMinor: 1, discountPercent: 0, taxRatePercent: 0 })).toThrow(
      'quantity',
    );
  });

  it('rounds halves up and everything else to the nearest', () => {
    expect([divideHalfUp(5n, 10n), divideHalfUp(4n, 10n), divideHalfUp(15n, 10n), divideHalfUp(25n, 10n)]).toEqual([
      1n,
      0n,
      2n,
      3n,
    ]);
  });
});

describe('refund amounts', () => {
  it('spreads a line total over its units, the last unit taking what is left', () => {
    // 3 units for 1000: 333, 334 (up to 667), 333 (up to 1000).
    expect([refundAmount(1000, 3, 0, 1), refundAmount(1000, 3, 1, 1), refundAmount(1000, 3, 2, 1)]).toEqual([
      333, 334, 333,
    ]);
    expect(refundAmount(1000, 3, 0, 1) + refundAmount(1000, 3, 1, 2)).toBe(1000);
    expect(refundAmount(1000, 3, 0, 3)).toBe(1000);
  });

  it('refuses refunding more units than are left', () => {
    expect(() => refundAmount(1000, 3, 2, 2)).toThrow('units');
    expect(() => refundAmount(1000, 3, 0, 0)).toThrow('units');
  });
});
