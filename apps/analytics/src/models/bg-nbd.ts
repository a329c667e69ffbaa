import gammaln from '@stdlib/math-base-special-gammaln';
import { hyp2f1 } from './hyp2f1';
import { minimiseWithRestarts } from './nelder-mead';

/**
 * BG/NBD (Fader, Hardie and Lee 2005, "Counting your customers the easy
 * way"): while alive a customer buys at rate lambda ~ Gamma(r, alpha); after
 * each repeat purchase they drop out with probability p ~ Beta(a, b).
 */
export interface BgNbdParams {
  r: number;
  alpha: number;
  a: number;
  b: number;
}

/**
 * One customer's history in the model's time unit: x repeat purchases (distinct
 * purchase days after the first), t_x the time of the last one since the first
 * purchase, T the time from the first purchase to the calibration end.
 * `count` customers share it when the data is grouped.
 */
export interface PurchaseHistory {
  x: number;
  tx: number;
  T: number;
  count?: number;
}

/** Distinct histories with their counts, laid out for fast likelihood evaluation. */
export class BgNbdData {
  readonly customers: number;
  readonly repeatCustomers: number;
  readonly repeatTransactions: number;
  readonly points: number;
  readonly meanT: number;

  private constructor(
    readonly xValues: Float64Array,
    readonly txValues: Float64Array,
    readonly TValues: Float64Array,
    readonly xIdx: Int32Array,
    readonly txIdx: Int32Array,
    readonly TIdx: Int32Array,
    readonly counts: Float64Array,
  ) {
    let customers = 0;
    let repeatCustomers = 0;
    let repeatTransactions = 0;
    let sumT = 0;
    for (let i = 0; i < counts.length; i++) {
      const n = counts[i];
      const x = xValues[xIdx[i]];
      customers += n;
      if (x > 0) repeatCustomers += n;
      repeatTransactions += n * x;
      sumT += n * TValues[TIdx[i]];
    }
    this.customers = customers;
    this.repeatCustomers = repeatCustomers;
    this.repeatTransactions = repeatTransactions;
    this.points = counts.length;
    this.meanT = customers ? sumT / customers : 0;
  }

  static from(histories: Iterable<PurchaseHistory>): BgNbdData {
    const groups = new Map<string, { x: number; tx: number; T: number; n: number }>();
    for (const h of histories) {
      if (!(h.x >= 0 && h.tx >= 0 && h.T >= h.tx) || (h.x === 0 && h.tx !== 0)) {
        throw new RangeError(`not a purchase history: x=${h.x} t_x=${h.tx} T=${h.T}`);
      }
      const key = `${h.x}|${h.tx}|${h.T}`;
      const g = groups.get(key);
      if (g) g.n += h.count ?? 1;
      else groups.set(key, { x: h.x, tx: h.tx, T: h.T, n: h.count ?? 1 });
    }
    const index = (values: number[]) => {
      const distinct = [...new Set(values)].sort((p, q) => p - q);
      const at = new Map(distinct.map((v, i) => [v, i]));
      return { values: Float64Array.from(distinct), idx: Int32Array.from(values.map((v) => at.get(v) ?? 0)) };
    };
    const rows = [...groups.values()];
    const x = index(rows.map((g) => g.x));
    const tx = index(rows.map((g) => g.tx));
    const T = index(rows.map((g) => g.T));
    return new BgNbdData(x.values, tx.values, T.values, x.idx, tx.idx, T.idx, Float64Array.from(rows.map((g) => g.n)));
  }
}

/** Log-likelihood of the data at the parameters, in log space throughout (no overflow for large x). */
export function bgNbdLogLikelihood(params: BgNbdParams, data: BgNbdData): number {
  const { r, alpha, a, b } = params;
  if (!(r > 0 && alpha > 0 && a > 0 && b > 0)) return Number.NEGATIVE_INFINITY;
  const common = -gammaln(r) + r * Math.log(alpha) + gammaln(a + b) - gammaln(b);
  const lnA = Math.log(a);
  const nx = data.xValues.length;
  const c1 = new Float64Array(nx);
  const c4 = new Float64Array(nx);
  for (let k = 0; k < nx; k++) {
    const x = data.xValues[k];
    c1[k] = common + gammaln(r + x) + gammaln(b + x) - gammaln(a + b + x);
    c4[k] = x > 0 ? lnA - Math.log(b + x - 1) : Number.NEGATIVE_INFINITY;
  }
  const lT = data.TValues.map((T) => Math.log(alpha + T));
  const ltx = data.txValues.map((t) => Math.log(alpha + t));
  let ll = 0;
  for (let i = 0; i < data.points; i++) {
    const k = data.xIdx[i];
    const rx = r + data.xValues[k];
    const a3 = -rx * lT[data.TIdx[i]];
    const a4 = c4[k] - rx * ltx[data.txIdx[i]];
    const hi = a3 > a4 ? a3 : a4;
    const lo = a3 > a4 ? a4 : a3;
    ll += data.counts[i] * (c1[k] + hi + Math.log1p(Math.exp(lo - hi)));
  }
  return ll;
}

/** P(alive at T | x, t_x, T): 1 for a customer with no repeat purchase (they can only drop out after one). */
export function pAlive(params: BgNbdParams, x: number, tx: number, T: number): number {
  if (x === 0) return 1;
  const { r, alpha, a, b } = params;
  const logRatio = Math.log(a / (b + x - 1)) + (r + x) * Math.log((alpha + T) / (alpha + tx));
  return 1 / (1 + Math.exp(logRatio));
}

/** E[X(t)]: purchases expected in (0, t] of a customer picked at random at their first purchase. */
export function expectedPurchases(params: BgNbdParams, t: number): number {
  return conditionalCore(params, 0, 0, t).numerator;
}

/**
 * E[Y(t) | x, t_x, T]: purchases expected in the next t time units (FHL 2005 eq. 10).
 * (alpha+T)/(alpha+T+t))^(r+x) 2F1(r+x, b+x; a+b+x-1; z) is evaluated through
 * Euler's transformation, (1-z)^(a-1) 2F1(a+b-1-r, a-1; a+b+x-1; z), whichever
 * series decays faster, so long horizons and large x stay accurate.
 */
export function conditionalExpectedPurchases(params: BgNbdParams, x: number, tx: number, T: number, t: number): number {
  if (t <= 0) return 0;
  const { numerator } = conditionalCore(params, x, T, t);
  if (x === 0) return numerator;
  const { r, alpha, a, b } = params;
  const logRatio = Math.log(a / (b + x - 1)) + (r + x) * Math.log((alpha + T) / (alpha + tx));
  return numerator / (1 + Math.exp(logRatio));
}

function conditionalCore(params: BgNbdParams, x: number, T: number, t: number): { numerator: number } {
  const { r, alpha, b } = params;
  // a = 1 is a removable singularity of (a+b+x-1)/(a-1) * (1 - ...): step off it.
  const a = Math.abs(params.a - 1) < 1e-7 ? params.a + 2e-7 : params.a;
  const z = t / (alpha + T + t);
  const c = a + b + x - 1;
  const directDecay = r + x - a; // exponent of n in the direct series' terms
  const eulerDecay = a - 2 - r - x;
  const scaled =
    eulerDecay < directDecay
      ? Math.exp((a - 1) * Math.log1p(-z)) * hyp2f1(a + b - 1 - r, a - 1, c, z)
      : Math.exp((r + x) * Math.log1p(-z)) * hyp2f1(r + x, b + x, c, z);
  return { numerator: (c / (a - 1)) * (1 - scaled) };
}

export const LOG_BOUND = 14;

export interface BgNbdFit {
  params: BgNbdParams;
  logLikelihood: number;
  iterations: number;
}

/**
 * Maximum likelihood over log-parameters (so every parameter stays positive),
 * Nelder-Mead from several starts with restarts from the best point.
 */
export function fitBgNbd(data: BgNbdData): BgNbdFit {
  if (data.customers === 0) throw new RangeError('BG/NBD needs at least one customer');
  const toParams = (v: number[]): BgNbdParams => ({
    r: Math.exp(v[0]),
    alpha: Math.exp(v[1]),
    a: Math.exp(v[2]),
    b: Math.exp(v[3]),
  });
  // Parameters kept within e^-14..e^14: past that the likelihood is flat (a point mass) and the simplex only drifts.
  const negLl = (v: number[]) =>
    v.some((x) => Math.abs(x) > LOG_BOUND) ? Number.POSITIVE_INFINITY : -bgNbdLogLikelihood(toParams(v), data);
  const scale = Math.max(data.meanT, 1e-3);
  const starts = [
    [0, Math.log(scale / 4), 0, 0],
    [Math.log(0.3), Math.log(scale / 10), Math.log(0.8), Math.log(2.5)],
    [Math.log(2), Math.log(scale), Math.log(2), Math.log(5)],
  ];
  const best = minimiseWithRestarts(negLl, starts);
  return { params: toParams(best.x), logLikelihood: -best.fx, iterations: best.iterations };
}
