import { conditionalExpectedPurchases, pAlive } from '../models/bg-nbd';
import { churnRisk, customerLifetimeValue } from '../models/clv';
import { expectedSpend } from '../models/gamma-gamma';
import { UNIT_DAYS } from '../shared/analytics-settings';
import type { ClvModel } from './clv-model.service';

export interface ScoreOptions {
  horizonWeeks: number;
  annualDiscountRate: number;
  churnWindowDays: number;
}

/** Model figures of one history (days), the same for every customer who shares it. */
export interface HistoryFigures {
  pAlive: number;
  expectedPurchases: number;
  /** expected purchases over the horizon, each discounted to the calibration end */
  discountedPurchases: number;
  churnRisk: number;
}

export function historyFigures(
  model: ClvModel,
  h: { x: number; tx: number; t: number },
  o: ScoreOptions,
): HistoryFigures {
  const days = UNIT_DAYS[model.unit];
  const history = { x: h.x, tx: h.tx / days, T: h.t / days };
  const horizon = (o.horizonWeeks * 7) / days;
  return {
    pAlive: pAlive(model.params, history.x, history.tx, history.T),
    expectedPurchases: conditionalExpectedPurchases(model.params, history.x, history.tx, history.T, horizon),
    discountedPurchases: customerLifetimeValue(model.params, history, 1, {
      horizon,
      unitDays: days,
      annualDiscountRate: o.annualDiscountRate,
    }),
    churnRisk: churnRisk(model.params, history, o.churnWindowDays / days),
  };
}

/** Spend per transaction expected of a customer: Gamma-Gamma on their repeat spend, else the population mean. */
export function spendPerTransaction(model: ClvModel, x: number, repeatMinor: number): number | null {
  if (!model.spend) return null;
  const mean = x > 0 && repeatMinor > 0 ? repeatMinor / x : 0;
  const v = expectedSpend(model.spend.params, mean > 0 ? x : 0, mean);
  return Number.isFinite(v) ? v : null;
}

/**
 * What a change must move for a new crm.analytics.customer.scored: the
 * segment, the CLV in whole major units, P(alive) and churn risk to 2
 * decimals. The SQL of the full recompute builds the same text.
 */
export function publishedKey(s: {
  segment: string;
  clvMinor: number | null;
  pAlive: number | null;
  churnRisk: number | null;
}): string {
  const two = (v: number | null) => (v === null ? '' : (Math.round(v * 100) / 100).toFixed(2));
  return `${s.segment}|${s.clvMinor === null ? '' : Math.round(s.clvMinor / 100)}|${two(s.pAlive)}|${two(s.churnRisk)}`;
}

export const PUBLISHED_KEY_SQL = `segment || '|' || COALESCE(round(clv_minor / 100.0)::bigint::text, '') || '|'
  || COALESCE(to_char(round(p_alive::numeric, 2), 'FM0.00'), '') || '|'
  || COALESCE(to_char(round(churn_risk::numeric, 2), 'FM0.00'), '')`;

/** Score of a value against the quintile cut points of the last full recompute (max key per score 1-5). */
export function scoreAgainst(cut: readonly (number | null)[], key: number): number {
  for (let s = 1; s <= 4; s++) {
    const c = cut[s - 1];
    if (c !== null && c !== undefined && key <= c) return s;
  }
  return 5;
}
