import { erasureCompletedType } from '../erasure/erasure.events';

/** Events published by analytics on the stream CRM_ANALYTICS. Additive only. */
export const ANALYTICS_EVENTS = {
  /** data: ErasureCompletedPayload */
  erasureCompleted: erasureCompletedType('analytics'),
  /** subject: contact (customer) id; data: CustomerScoredPayload. Published when the segment, CLV, P(alive) or churn risk moved. */
  customerScored: 'crm.analytics.customer.scored',
} as const;

/**
 * A customer's scores: RFM quintiles (1-5, 5 best) and named segment, and
 * from BG/NBD + Gamma-Gamma the probability of being alive, purchases
 * expected and the discounted lifetime value over `horizonWeeks`, and the
 * churn risk (chance of no purchase in the churn window). Model figures are
 * null until a model could be fitted. Money in minor units.
 */
export interface CustomerScoredPayload {
  customerId: string;
  /** YYYY-MM-DD the scores were computed at */
  calibrationEnd: string;
  recencyDays: number;
  frequency: number;
  monetaryMinor: number;
  rfm: { r: number; f: number; m: number };
  /** champions, loyal, potential_loyalist, new, promising, need_attention, about_to_sleep, cannot_lose, at_risk, hibernating */
  segment: string;
  pAlive: number | null;
  expectedPurchases: number | null;
  clvMinor: number | null;
  churnRisk: number | null;
  horizonWeeks: number;
  scoredAt: string;
}
