import { conditionalExpectedPurchases, pAlive, type BgNbdParams } from './bg-nbd';

export interface ClvOptions {
  /** horizon in model time units */
  horizon: number;
  /** days per model time unit (7 for weeks) */
  unitDays: number;
  /** yearly discount rate, 0.1 = 10 % */
  annualDiscountRate: number;
}

const DAYS_PER_YEAR = 365.25;
const DAYS_PER_STEP = DAYS_PER_YEAR / 12;
const MAX_STEPS = 600;

/**
 * Discounted value of the purchases expected over the horizon: the horizon
 * is cut into steps of about a month; the purchases expected in each step
 * (the difference of E[Y(t)] at its ends) times the expected spend per
 * transaction are discounted to the calibration end at the step's end.
 */
export function customerLifetimeValue(
  params: BgNbdParams,
  history: { x: number; tx: number; T: number },
  spendPerTransaction: number,
  options: ClvOptions,
): number {
  const { horizon, unitDays, annualDiscountRate } = options;
  if (horizon <= 0 || !(spendPerTransaction > 0)) return 0;
  const stepUnits = DAYS_PER_STEP / unitDays;
  const steps = Math.min(MAX_STEPS, Math.max(1, Math.ceil(horizon / stepUnits)));
  let previous = 0;
  let value = 0;
  for (let k = 1; k <= steps; k++) {
    const t = (horizon * k) / steps;
    const cumulative = conditionalExpectedPurchases(params, history.x, history.tx, history.T, t);
    const years = (t * unitDays) / DAYS_PER_YEAR;
    value += ((cumulative - previous) * spendPerTransaction) / Math.pow(1 + annualDiscountRate, years);
    previous = cumulative;
  }
  return value;
}

/**
 * Churn risk: the probability of no purchase within `window` time units,
 * 1 - P(alive) (1 - ((alpha+T)/(alpha+T+window))^(r+x)): P(alive) carries the
 * recency, the second factor the posterior purchase rate of a live customer
 * (drop-outs inside the window are left out, so the risk is a lower bound).
 */
export function churnRisk(params: BgNbdParams, history: { x: number; tx: number; T: number }, window: number): number {
  const alive = pAlive(params, history.x, history.tx, history.T);
  const { r, alpha } = params;
  const silentIfAlive = Math.exp((r + history.x) * Math.log((alpha + history.T) / (alpha + history.T + window)));
  return 1 - alive * (1 - silentIfAlive);
}
