/** A tier: reached when lifetime points are at least `threshold`; its multiplier applies to points earned. */
export interface Tier {
  name: string;
  threshold: number;
  multiplier: number;
}

export interface EarnLine {
  netMinor: number;
  category: string | null;
}

/**
 * Points for an order: per whole currency unit of each line's net amount,
 * times the line's category multiplier, times the tier's, rounded down.
 */
export function pointsFor(
  lines: EarnLine[],
  currencyDigits: number,
  pointsPerUnit: number,
  categoryMultipliers: Record<string, number>,
  tierMultiplier: number,
): number {
  const unit = 10 ** currencyDigits;
  let points = 0;
  for (const l of lines) {
    const m = (l.category && categoryMultipliers[l.category]) || 1;
    points += (Math.max(0, l.netMinor) / unit) * pointsPerUnit * m;
  }
  return Math.floor(points * tierMultiplier + 1e-9);
}

/** The highest tier whose threshold the lifetime points reach, or null. */
export function tierFor(tiers: Tier[], lifetime: number): Tier | null {
  return [...tiers].sort((a, b) => b.threshold - a.threshold).find((t) => lifetime >= t.threshold) ?? null;
}
