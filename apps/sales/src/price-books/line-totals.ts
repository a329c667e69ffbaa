/**
 * Amounts of quote and order lines, in integer minor units of the
 * document's currency. The rule, stated once:
 *
 * - gross    = quantity x unit price (exact);
 * - discount = gross x discount % / 100, rounded half-up (a half goes away
 *              from zero) to the minor unit;
 * - net      = gross - discount;
 * - tax      = net x tax rate % / 100, rounded half-up;
 * - total    = net + tax.
 *
 * Each line is rounded on its own; the document's totals are the sums of its
 * lines (so the lines always add up to the total shown). Percentages have at
 * most 3 decimals and are kept as integer thousandths of a percent, so every
 * step is integer arithmetic (BigInt), never floating point.
 */
export const PERCENT_SCALE = 1000;
const HUNDRED_PERCENT = BigInt(100 * PERCENT_SCALE);

/** Largest amount a line or a document may reach (2^53 - 1 minor units): beyond it JSON numbers lose precision. */
export const MAX_AMOUNT_MINOR = Number.MAX_SAFE_INTEGER;

export interface LineInput {
  quantity: number;
  unitPriceMinor: number;
  /** 0..100, at most 3 decimals. */
  discountPercent: number;
  /** 0..100, at most 3 decimals. */
  taxRatePercent: number;
}

export interface Amounts {
  grossMinor: number;
  discountMinor: number;
  netMinor: number;
  taxMinor: number;
  totalMinor: number;
}

/** A percentage as integer thousandths (12.5 -> 12500), or null when it has more than 3 decimals or is out of 0..100. */
export function percentToThousandths(percent: number): number | null {
  if (!Number.isFinite(percent) || percent < 0 || percent > 100) return null;
  const scaled = Math.round(percent * PERCENT_SCALE);
  return Math.abs(scaled - percent * PERCENT_SCALE) < 1e-6 ? scaled : null;
}

/** n / d rounded half-up, for n >= 0 and d > 0. */
export function divideHalfUp(n: bigint, d: bigint): bigint {
  return (2n * n + d) / (2n * d);
}

export class AmountTooLargeError extends RangeError {
  constructor(readonly field: keyof Amounts) {
    super(`${field} exceeds ${MAX_AMOUNT_MINOR} minor units`);
  }
}

function safe(value: bigint, field: keyof Amounts): number {
  if (value > BigInt(MAX_AMOUNT_MINOR)) throw new AmountTooLargeError(field);
  return Number(value);
}

/** The amounts of one line by the rule above. Throws AmountTooLargeError past 2^53 - 1, RangeError on bad input. */
export function lineAmounts(line: LineInput): Amounts {
  const discount = percentToThousandths(line.discountPercent);
  const tax = percentToThousandths(line.taxRatePercent);
  if (!Number.isSafeInteger(line.quantity) || line.quantity < 0) throw new RangeError('quantity');
  if (!Number.isSafeInteger(line.unitPriceMinor) || line.unitPriceMinor < 0) throw new RangeError('unitPriceMinor');
  if (discount === null) throw new RangeError('discountPercent');
  if (tax === null) throw new RangeError('taxRatePercent');
  const gross = BigInt(line.quantity) * BigInt(line.unitPriceMinor);
  const discountMinor = divideHalfUp(gross * BigInt(discount), HUNDRED_PERCENT);
  const net = gross - discountMinor;
  const taxMinor = divideHalfUp(net * BigInt(tax), HUNDRED_PERCENT);
  return {
    grossMinor: safe(gross, 'grossMinor'),
    discountMinor: safe(discountMinor, 'discountMinor'),
    netMinor: safe(net, 'netMinor'),
    taxMinor: safe(taxMinor, 'taxMinor'),
    totalMinor: safe(net + taxMinor, 'totalMinor'),
  };
}

/** The document's totals: the sums of its lines' amounts. */
export function sumAmounts(lines: readonly Amounts[]): Amounts {
  const sum = (field: keyof Amounts) =>
    safe(
      lines.reduce((acc, l) => acc + BigInt(l[field]), 0n),
      field,
    );
  return {
    grossMinor: sum('grossMinor'),
    discountMinor: sum('discountMinor'),
    netMinor: sum('netMinor'),
    taxMinor: sum('taxMinor'),
    totalMinor: sum('totalMinor'),
  };
}

/**
 * What refunding `units` more units of a line returns, when `refundedUnits`
 * were refunded before: the line's total is spread over its units
 * proportionally (half-up), and the last unit refunded takes what is left,
 * so refunding every unit, in any steps, returns exactly the line's total.
 */
export function refundAmount(lineTotalMinor: number, quantity: number, refundedUnits: number, units: number): number {
  if (units < 1 || refundedUnits < 0 || refundedUnits + units > quantity) throw new RangeError('units');
  const upTo = (n: number) => divideHalfUp(BigInt(lineTotalMinor) * BigInt(n), BigInt(quantity));
  return Number(upTo(refundedUnits + units) - upTo(refundedUnits));
}
