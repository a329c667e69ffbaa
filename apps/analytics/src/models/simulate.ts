import type { BgNbdParams, PurchaseHistory } from './bg-nbd';
import type { GammaGammaParams, SpendHistory } from './gamma-gamma';

/** A small seeded generator (mulberry32) so simulated data is the same on every run. */
export function seededRandom(seed: number): () => number {
  let s = seed >>> 0;
  return () => {
    s = (s + 0x6d2b79f5) >>> 0;
    let t = s;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

function normal(rand: () => number): number {
  const u = 1 - rand();
  return Math.sqrt(-2 * Math.log(u)) * Math.cos(2 * Math.PI * rand());
}

/** Gamma(shape, rate) by Marsaglia and Tsang, boosted for shape < 1. */
export function gammaVariate(rand: () => number, shape: number, rate: number): number {
  if (shape < 1) return gammaVariate(rand, shape + 1, rate) * Math.pow(1 - rand(), 1 / shape);
  const d = shape - 1 / 3;
  const c = 1 / Math.sqrt(9 * d);
  for (;;) {
    let x: number;
    let v: number;
    do {
      x = normal(rand);
      v = 1 + c * x;
    } while (v <= 0);
    v = v * v * v;
    const u = 1 - rand();
    if (Math.log(u) < 0.5 * x * x + d - d * v + d * Math.log(v)) return (d * v) / rate;
  }
}

export function betaVariate(rand: () => number, a: number, b: number): number {
  const g1 = gammaVariate(rand, a, 1);
  return g1 / (g1 + gammaVariate(rand, b, 1));
}

/** Customers drawn from BG/NBD with the given ages T (time since first purchase). */
export function simulateBgNbd(params: BgNbdParams, ages: readonly number[], rand: () => number): PurchaseHistory[] {
  return ages.map((T) => {
    const lambda = gammaVariate(rand, params.r, params.alpha);
    const p = betaVariate(rand, params.a, params.b);
    let t = 0;
    let x = 0;
    let tx = 0;
    for (;;) {
      t += -Math.log(1 - rand()) / lambda;
      if (t > T) break;
      x += 1;
      tx = t;
      if (rand() < p) break;
    }
    return { x, tx, T };
  });
}

/** Mean spend of x transactions per customer, drawn from Gamma-Gamma. */
export function simulateGammaGamma(
  params: GammaGammaParams,
  counts: readonly number[],
  rand: () => number,
): SpendHistory[] {
  return counts.map((x) => {
    const nu = gammaVariate(rand, params.q, params.v);
    let sum = 0;
    for (let i = 0; i < x; i++) sum += gammaVariate(rand, params.p, nu);
    return { x, mean: sum / x };
  });
}
