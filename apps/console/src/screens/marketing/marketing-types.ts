/**
 * Marketing's routes declare no answer bodies in the merged document yet, so these are its views
 * (apps/marketing/src/campaigns/campaigns.repository.ts `toCampaignView`, campaigns.service.ts
 * `report`) written down here and read through `unwrapUndeclared`, which stops compiling for a route
 * as soon as it declares one. Request bodies are the generated ones already.
 */
export type CampaignStatus = 'draft' | 'scheduled' | 'sending' | 'paused' | 'done' | 'cancelled';
export type CampaignCounts = Record<
  'queued' | 'pending' | 'sending' | 'sent' | 'skipped' | 'failed' | 'delivered' | 'bounced',
  number
> & { skippedBy: Record<string, number> };
export interface Campaign {
  id: string;
  name: string;
  channel: 'email' | 'sms' | 'social';
  status: CampaignStatus;
  templateId: string;
  segmentIds: string[] | null;
  sendAt: string | null;
  version: number;
  startedAt: string | null;
  completedAt: string | null;
  counts: CampaignCounts;
  createdAt: string;
}
export interface CampaignReport {
  campaignId: string;
  touchpoints: Record<string, number>;
  revenueMinor: number;
  costMinor: number | null;
  roi: number | null;
}
export interface Named {
  id: string;
  name: string;
}
export interface Page<T> {
  items: T[];
  nextCursor: string | null;
}

/** A skip reason as a person reads it ("no_consent" → "no consent"). */
export const reasonWords = (reason: string): string => reason.replace(/[_-]+/g, ' ');

/** apps/marketing/src/promotions/promotions.service.ts `view`. */
export interface Promotion {
  id: string;
  name: string;
  discountKind: 'percent' | 'amount';
  percent: number | null;
  amountMinor: number | null;
  currency: string | null;
  validFrom: string | null;
  validUntil: string | null;
  maxRedemptions: number | null;
  redemptions: number;
  codeKind: 'shared' | 'unique';
  sharedCode: string | null;
}
/** promotions.service.ts `redemptions`. */
export interface Redemption {
  code: string;
  orderId: string;
  outcome: string;
  reason: string | null;
  at: string;
}
