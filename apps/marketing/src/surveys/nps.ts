export interface NpsResult {
  responses: number;
  promoters: number;
  passives: number;
  detractors: number;
  /** Percent promoters minus percent detractors, -100..100, rounded; null without responses. */
  nps: number | null;
}

/** NPS: 9-10 promoters, 7-8 passives, 0-6 detractors. */
export function npsOf(scores: number[]): NpsResult {
  const promoters = scores.filter((s) => s >= 9).length;
  const detractors = scores.filter((s) => s <= 6).length;
  const n = scores.length;
  return {
    responses: n,
    promoters,
    passives: n - promoters - detractors,
    detractors,
    nps: n ? Math.round(((promoters - detractors) / n) * 100) : null,
  };
}
