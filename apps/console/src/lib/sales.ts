/** Money in minor units with the currency's own digits (0 for JPY, 3 for KWD), as a person reads it. */
export function formatMoney(minor: number, currency: string, digits = 2): string {
  const major = minor / 10 ** digits;
  try {
    return new Intl.NumberFormat(undefined, {
      style: 'currency',
      currency,
      minimumFractionDigits: digits,
      maximumFractionDigits: digits,
    }).format(major);
  } catch {
    return `${major.toFixed(digits)} ${currency}`;
  }
}

/** A percentage (at most 3 decimals) of an amount, rounded half up in integers, as sales does it. */
function percentOf(amount: number, percent: number): number {
  const thousandths = BigInt(Math.round(percent * 1000));
  const num = BigInt(amount) * thousandths;
  const den = 100_000n;
  return Number((2n * num + den) / (2n * den));
}

export interface LineInput {
  quantity: number;
  unitPriceMinor: number;
  discountPercent: number;
  taxRatePercent: number;
}
export interface Totals {
  grossMinor: number;
  discountMinor: number;
  netMinor: number;
  taxMinor: number;
  totalMinor: number;
}

/** One line as apps/sales/src/price-books/line-totals.ts computes it: gross, discount, net, tax, total. */
export function lineTotals(l: LineInput): Totals {
  const grossMinor = l.quantity * l.unitPriceMinor;
  const discountMinor = percentOf(grossMinor, l.discountPercent);
  const netMinor = grossMinor - discountMinor;
  const taxMinor = percentOf(netMinor, l.taxRatePercent);
  return { grossMinor, discountMinor, netMinor, taxMinor, totalMinor: netMinor + taxMinor };
}

/** A quote's totals: the sums of its rounded lines. */
export function quoteTotals(lines: LineInput[]): Totals {
  return lines.map(lineTotals).reduce(
    (t, l) => ({
      grossMinor: t.grossMinor + l.grossMinor,
      discountMinor: t.discountMinor + l.discountMinor,
      netMinor: t.netMinor + l.netMinor,
      taxMinor: t.taxMinor + l.taxMinor,
      totalMinor: t.totalMinor + l.totalMinor,
    }),
    { grossMinor: 0, discountMinor: 0, netMinor: 0, taxMinor: 0, totalMinor: 0 },
  );
}

/** A typed amount ("1 299,50" or "1299.5") in minor units, or null when it is not one. */
export function parseMoney(text: string, digits = 2): number | null {
  const t = text.replace(/[\s\u00a0]/g, '').replace(',', '.');
  if (!/^\d+(\.\d+)?$/.test(t)) return null;
  const [whole, frac = ''] = t.split('.');
  if (frac.length > digits) return null;
  return Number(whole) * 10 ** digits + Number((frac + '0'.repeat(digits)).slice(0, digits) || '0');
}

/** Time spent in a stage in words: "45 s", "12 min", "3 h 05 min", "4 d 2 h". */
export function duration(seconds: number): string {
  const s = Math.max(0, Math.floor(seconds));
  if (s < 60) return `${s} s`;
  const m = Math.floor(s / 60);
  if (m < 60) return `${m} min`;
  const h = Math.floor(m / 60);
  if (h < 24) return `${h} h ${String(m % 60).padStart(2, '0')} min`;
  return `${Math.floor(h / 24)} d ${h % 24} h`;
}
