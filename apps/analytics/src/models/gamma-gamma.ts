import gammaln from '@stdlib/math-base-special-gammaln';
import { LOG_BOUND } from './bg-nbd';
import { minimiseWithRestarts } from './nelder-mead';

/**
 * Gamma-Gamma model of spend per transaction (Fader and Hardie, "The
 * Gamma-Gamma model of monetary value", 2013): a transaction's value is
 * Gamma(p, nu), nu ~ Gamma(q, v) across customers. Fitted on customers with
 * at least one repeat transaction, from x and the mean value of those.
 */
export interface GammaGammaParams {
  p: number;
  q: number;
  v: number;
}

export interface SpendHistory {
  /** repeat transactions (> 0) */
  x: number;
  /** mean value of the repeat transactions (> 0) */
  mean: number;
  count?: number;
}

export function gammaGammaLogLikelihood(params: GammaGammaParams, data: readonly SpendHistory[]): number {
  const { p, q, v } = params;
  if (!(p > 0 && q > 0 && v > 0)) return Number.NEGATIVE_INFINITY;
  const base = -gammaln(q) + q * Math.log(v);
  const perX = new Map<number, number>();
  let ll = 0;
  for (const h of data) {
    let c = perX.get(h.x);
    if (c === undefined) {
      c = base + gammaln(p * h.x + q) - gammaln(p * h.x) + p * h.x * Math.log(h.x);
      perX.set(h.x, c);
    }
    const px = p * h.x;
    ll += (h.count ?? 1) * (c + (px - 1) * Math.log(h.mean) - (px + q) * Math.log(v + h.x * h.mean));
  }
  return ll;
}

/** E[M | x, mean]: spend per transaction expected of this customer; the population mean p v / (q - 1) when x = 0. */
export function expectedSpend(params: GammaGammaParams, x: number, mean: number): number {
  const { p, q, v } = params;
  if (x <= 0) return q > 1 ? (p * v) / (q - 1) : Number.NaN;
  return (p * (v + x * mean)) / (p * x + q - 1);
}

export interface GammaGammaFit {
  params: GammaGammaParams;
  logLikelihood: number;
  customers: number;
}

export function fitGammaGamma(data: readonly SpendHistory[]): GammaGammaFit {
  const usable = data.filter((h) => h.x > 0 && h.mean > 0);
  if (usable.length === 0) throw new RangeError('Gamma-Gamma needs a customer with a repeat transaction');
  const customers = usable.reduce((s, h) => s + (h.count ?? 1), 0);
  const mean = usable.reduce((s, h) => s + (h.count ?? 1) * h.mean, 0) / customers;
  const toParams = (w: number[]): GammaGammaParams => ({ p: Math.exp(w[0]), q: Math.exp(w[1]), v: Math.exp(w[2]) });
  const negLl = (w: number[]) =>
    w.some((x) => Math.abs(x) > LOG_BOUND) ? Number.POSITIVE_INFINITY : -gammaGammaLogLikelihood(toParams(w), usable);
  const starts = [
    [0, 0, Math.log(mean)],
    [Math.log(5), Math.log(3), Math.log(mean)],
    [Math.log(1), Math.log(10), Math.log(mean * 10)],
  ];
  const best = minimiseWithRestarts(negLl, starts);
  return { params: toParams(best.x), logLikelihood: -best.fx, customers };
}
