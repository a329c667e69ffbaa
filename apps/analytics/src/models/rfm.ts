/**
 * RFM: recency (days since the last purchase, lower is better), frequency
 * (orders) and monetary (net spend) per customer, each scored 1-5 by
 * quintile: score = ceil(5 x cume_dist), so customers with equal values share
 * a score (SQL's `ceil(5 * cume_dist() OVER (ORDER BY ...))` gives the same).
 */
export interface RfmValues {
  customerId: string;
  recencyDays: number;
  frequency: number;
  monetaryMinor: number;
}

export interface RfmScore extends RfmValues {
  r: number;
  f: number;
  m: number;
  segment: RfmSegment;
}

/** Quintile scores for values, 5 for the best: the highest (higherIsBetter) or the lowest. */
export function quintileScores(values: readonly number[], higherIsBetter: boolean): number[] {
  const n = values.length;
  const keys = values.map((v) => (higherIsBetter ? v : -v));
  const sorted = [...keys].sort((p, q) => p - q);
  // cume_dist(v) = share of values <= v: the index after the last equal value, over n.
  const upper = (v: number) => {
    let lo = 0;
    let hi = n;
    while (lo < hi) {
      const mid = (lo + hi) >> 1;
      if (sorted[mid] <= v) lo = mid + 1;
      else hi = mid;
    }
    return lo;
  };
  return keys.map((k) => Math.max(1, Math.ceil((5 * upper(k)) / n - 1e-12)));
}

export type RfmSegment =
  | 'champions'
  | 'loyal'
  | 'potential_loyalist'
  | 'new'
  | 'promising'
  | 'need_attention'
  | 'about_to_sleep'
  | 'at_risk'
  | 'cannot_lose'
  | 'hibernating';

/**
 * The segment table, on recency (R) and frequency (F) scores; the first row
 * that matches wins. The usual RFM grid: M is reported beside it, it does
 * not move a customer between segments.
 *
 * | segment            | R     | F     |
 * | ------------------ | ----- | ----- |
 * | champions          | 5     | 4-5   |
 * | loyal              | 3-4   | 4-5   |
 * | potential_loyalist | 4-5   | 2-3   |
 * | new                | 5     | 1     |
 * | promising          | 4     | 1     |
 * | need_attention     | 3     | 3     |
 * | about_to_sleep     | 3     | 1-2   |
 * | cannot_lose        | 1-2   | 5     |
 * | at_risk            | 1-2   | 3-4   |
 * | hibernating        | 1-2   | 1-2   |
 */
export const RFM_SEGMENT_TABLE: readonly { segment: RfmSegment; r: [number, number]; f: [number, number] }[] = [
  { segment: 'champions', r: [5, 5], f: [4, 5] },
  { segment: 'loyal', r: [3, 4], f: [4, 5] },
  { segment: 'potential_loyalist', r: [4, 5], f: [2, 3] },
  { segment: 'new', r: [5, 5], f: [1, 1] },
  { segment: 'promising', r: [4, 4], f: [1, 1] },
  { segment: 'need_attention', r: [3, 3], f: [3, 3] },
  { segment: 'about_to_sleep', r: [3, 3], f: [1, 2] },
  { segment: 'cannot_lose', r: [1, 2], f: [5, 5] },
  { segment: 'at_risk', r: [1, 2], f: [3, 4] },
  { segment: 'hibernating', r: [1, 2], f: [1, 2] },
];

export const RFM_SEGMENTS: readonly RfmSegment[] = RFM_SEGMENT_TABLE.map((s) => s.segment);

export function segmentFor(r: number, f: number): RfmSegment {
  const row = RFM_SEGMENT_TABLE.find((s) => r >= s.r[0] && r <= s.r[1] && f >= s.f[0] && f <= s.f[1]);
  if (!row) throw new RangeError(`RFM scores out of range: R=${r} F=${f}`);
  return row.segment;
}

/** The SQL CASE that maps columns r and f to the segment, from the same table. */
export function segmentSqlCase(r: string, f: string): string {
  const whens = RFM_SEGMENT_TABLE.map(
    (s) => `WHEN ${r} BETWEEN ${s.r[0]} AND ${s.r[1]} AND ${f} BETWEEN ${s.f[0]} AND ${s.f[1]} THEN '${s.segment}'`,
  );
  return `CASE ${whens.join(' ')} END`;
}

export function scoreRfm(rows: readonly RfmValues[]): RfmScore[] {
  const r = quintileScores(
    rows.map((x) => x.recencyDays),
    false,
  );
  const f = quintileScores(
    rows.map((x) => x.frequency),
    true,
  );
  const m = quintileScores(
    rows.map((x) => x.monetaryMinor),
    true,
  );
  return rows.map((row, i) => ({ ...row, r: r[i], f: f[i], m: m[i], segment: segmentFor(r[i], f[i]) }));
}
