import { erasureCompletedType } from '../erasure/erasure.events';

/**
 * Events sales publishes about deals, on the stream CRM_SALES (`crm.sales.>`),
 * beside the product, quote and order events of `sales-orders.events.ts`.
 * Additive only. Each event's CloudEvents `subject` is the deal id and its
 * `version` the deal's version: a consumer keeps the highest it has seen.
 *
 * Every move of a deal between stages publishes `deal.stage-changed`; a move
 * into a won or lost stage publishes `deal.won` or `deal.lost` after it (same
 * version). Reopening a closed deal is a `deal.stage-changed` with `reopened`.
 */
export const SALES_EVENTS = {
  /** data: SalesDealPayload */
  dealCreated: 'crm.sales.deal.created',
  /** data: SalesDealPayload (fields changed, or the deal re-pointed to a merged contact's target) */
  dealUpdated: 'crm.sales.deal.updated',
  /** data: SalesDealStageChangedPayload */
  dealStageChanged: 'crm.sales.deal.stage-changed',
  /** data: SalesDealPayload (status 'won', closedAt and closedBy set) */
  dealWon: 'crm.sales.deal.won',
  /** data: SalesDealPayload (status 'lost', closedAt, closedBy and lostReason set) */
  dealLost: 'crm.sales.deal.lost',
  /** sales' erasure receipt; data: ErasureCompletedPayload */
  erasureCompleted: erasureCompletedType('sales'),
} as const;

export type SalesDealStatus = 'open' | 'won' | 'lost';

/** A deal as it is after the change. Money in the currency's minor units. */
export interface SalesDealPayload {
  id: string;
  version: number;
  name: string;
  pipelineId: string;
  stageId: string;
  /** The stage's name and win probability (percent) when the event was written. */
  stageName: string;
  probability: number;
  status: SalesDealStatus;
  contactId: string | null;
  accountId: string | null;
  ownerId: string | null;
  amountMinor: number;
  /** ISO 4217 code. */
  currency: string;
  /** Decimals of the currency's minor unit (2 for EUR, 0 for JPY). */
  currencyDigits: number;
  /** YYYY-MM-DD */
  expectedCloseDate: string | null;
  source: { campaign: string | null; channel: string | null };
  tags: string[];
  customFields: Record<string, unknown>;
  closedAt: string | null;
  closedBy: string | null;
  lostReason: { id: string; label: string; note: string | null } | null;
  createdAt: string;
  updatedAt: string;
}

export interface SalesDealStageChangedPayload extends SalesDealPayload {
  /** The stage it left (null never: a deal is created in a stage). */
  fromStageId: string;
  toStageId: string;
  movedBy: string | null;
  movedAt: string;
  /** How long the deal was in the stage it left. */
  secondsInFromStage: number;
  /** Whether this move reopened a won or lost deal. */
  reopened: boolean;
}
