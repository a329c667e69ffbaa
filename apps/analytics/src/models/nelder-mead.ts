/**
 * Nelder-Mead simplex minimisation (standard coefficients: reflection 1,
 * expansion 2, contraction 0.5, shrink 0.5). Derivative-free, so it copes
 * with a likelihood that is flat or ragged far from the optimum; the fitters
 * restart it from the best point until it stops improving.
 */
export interface MinimiseResult {
  x: number[];
  fx: number;
  iterations: number;
}

export function nelderMead(
  f: (x: number[]) => number,
  start: number[],
  { step = 0.5, maxIterations = 2000, tolerance = 1e-10 } = {},
): MinimiseResult {
  const n = start.length;
  const value = (x: number[]) => {
    const v = f(x);
    return Number.isFinite(v) ? v : Number.POSITIVE_INFINITY;
  };
  let simplex: { x: number[]; fx: number }[] = [{ x: [...start], fx: value(start) }];
  for (let i = 0; i < n; i++) {
    const x = [...start];
    x[i] += step;
    simplex.push({ x, fx: value(x) });
  }
  let iterations = 0;
  for (; iterations < maxIterations; iterations++) {
    simplex.sort((p, q) => p.fx - q.fx);
    const best = simplex[0];
    const worst = simplex[n];
    if (Math.abs(worst.fx - best.fx) <= tolerance * (Math.abs(best.fx) + tolerance)) {
      const spread = Math.max(...simplex.map((p) => Math.max(...p.x.map((v, i) => Math.abs(v - best.x[i])))));
      if (spread < 1e-7) break;
    }
    const centroid = new Array<number>(n).fill(0);
    for (let i = 0; i < n; i++) for (let j = 0; j < n; j++) centroid[j] += simplex[i].x[j] / n;
    const along = (t: number) => centroid.map((c, j) => c + t * (worst.x[j] - c));
    const reflected = along(-1);
    const fr = value(reflected);
    if (fr < best.fx) {
      const expanded = along(-2);
      const fe = value(expanded);
      simplex[n] = fe < fr ? { x: expanded, fx: fe } : { x: reflected, fx: fr };
      continue;
    }
    if (fr < simplex[n - 1].fx) {
      simplex[n] = { x: reflected, fx: fr };
      continue;
    }
    const contracted = fr < worst.fx ? along(-0.5) : along(0.5);
    const fc = value(contracted);
    if (fc < Math.min(fr, worst.fx)) {
      simplex[n] = { x: contracted, fx: fc };
      continue;
    }
    simplex = simplex.map((p, i) => {
      if (i === 0) return p;
      const x = p.x.map((v, j) => best.x[j] + 0.5 * (v - best.x[j]));
      return { x, fx: value(x) };
    });
  }
  simplex.sort((p, q) => p.fx - q.fx);
  return { x: simplex[0].x, fx: simplex[0].fx, iterations };
}

/**
 * Runs Nelder-Mead from each start, then again from the best point found
 * (with a fresh simplex) until a restart improves by less than 1e-9: the
 * usual guard against a simplex that collapsed early.
 */
export function minimiseWithRestarts(
  f: (x: number[]) => number,
  starts: number[][],
  options: { maxIterations?: number; maxRestarts?: number } = {},
): MinimiseResult {
  let best: MinimiseResult | null = null;
  let iterations = 0;
  // Each start gets a short run; the best one is then polished by the restarts below.
  for (const s of starts) {
    const r = nelderMead(f, s, { maxIterations: options.maxIterations ?? 300 });
    iterations += r.iterations;
    if (!best || r.fx < best.fx) best = r;
  }
  if (!best) throw new Error('minimiseWithRestarts needs at least one start');
  for (let i = 0; i < (options.maxRestarts ?? 10); i++) {
    const r = nelderMead(f, best.x, { step: 0.1, maxIterations: 3000 });
    iterations += r.iterations;
    const gain = best.fx - r.fx;
    if (r.fx < best.fx) best = r;
    if (!(gain > 1e-9 * Math.max(1, Math.abs(best.fx)))) break;
  }
  return { ...best, iterations };
}
