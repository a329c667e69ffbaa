import type { SalesDealPayload, SalesDealStageChangedPayload } from '@crm/contracts';
import { currencyDigits } from '../shared/currency';
import type { DealStatus } from './deal-stage-machine';

/** A deal row as deals.repository reads it, with its stage, lost reason and mirrored contact joined. */
export interface DealRow {
  id: string;
  pipeline_id: string;
  stage_id: string;
  stage_name: string;
  probability: number;
  status: DealStatus;
  name: string;
  contact_id: string | null;
  account_id: string | null;
  owner_id: string | null;
  amount: string;
  currency: string;
  expected_close_date: string | null;
  source_campaign: string | null;
  source_channel: string | null;
  tags: string[];
  custom_fields: Record<string, unknown>;
  stage_entered_at: Date;
  closed_at: Date | null;
  closed_by: string | null;
  lost_reason_id: string | null;
  lost_reason_label: string | null;
  lost_note: string | null;
  contact_display_name: string | null;
  contact_primary_email: string | null;
  version: number;
  created_by: string | null;
  created_at: Date;
  updated_at: Date;
}

export interface DealView {
  id: string;
  version: number;
  name: string;
  pipelineId: string;
  stageId: string;
  stageName: string;
  probability: number;
  status: DealStatus;
  contactId: string | null;
  /** From the local contact mirror (fed by contacts events); null until contacts has told sales about it. */
  contact: { displayName: string | null; primaryEmail: string | null } | null;
  accountId: string | null;
  ownerId: string | null;
  amountMinor: number;
  currency: string;
  currencyDigits: number;
  expectedCloseDate: string | null;
  source: { campaign: string | null; channel: string | null };
  tags: string[];
  customFields: Record<string, unknown>;
  stageEnteredAt: string;
  closedAt: string | null;
  closedBy: string | null;
  lostReason: { id: string; label: string; note: string | null } | null;
  createdBy: string | null;
  createdAt: string;
  updatedAt: string;
}

export function toView(r: DealRow): DealView {
  return {
    id: r.id,
    version: r.version,
    name: r.name,
    pipelineId: r.pipeline_id,
    stageId: r.stage_id,
    stageName: r.stage_name,
    probability: r.probability,
    status: r.status,
    contactId: r.contact_id,
    contact:
      r.contact_id && (r.contact_display_name !== null || r.contact_primary_email !== null)
        ? { displayName: r.contact_display_name, primaryEmail: r.contact_primary_email }
        : null,
    accountId: r.account_id,
    ownerId: r.owner_id,
    amountMinor: Number(r.amount),
    currency: r.currency,
    currencyDigits: currencyDigits(r.currency),
    expectedCloseDate: r.expected_close_date,
    source: { campaign: r.source_campaign, channel: r.source_channel },
    tags: r.tags,
    customFields: r.custom_fields,
    stageEnteredAt: r.stage_entered_at.toISOString(),
    closedAt: r.closed_at ? r.closed_at.toISOString() : null,
    closedBy: r.closed_by,
    lostReason: r.lost_reason_id ? { id: r.lost_reason_id, label: r.lost_reason_label ?? '', note: r.lost_note } : null,
    createdBy: r.created_by,
    createdAt: r.created_at.toISOString(),
    updatedAt: r.updated_at.toISOString(),
  };
}

/** The event payload leaves out the mirrored contact's personal fields: consumers have contacts' own events. */
export function toPayload(v: DealView): SalesDealPayload {
  return {
    id: v.id,
    version: v.version,
    name: v.name,
    pipelineId: v.pipelineId,
    stageId: v.stageId,
    stageName: v.stageName,
    probability: v.probability,
    status: v.status,
    contactId: v.contactId,
    accountId: v.accountId,
    ownerId: v.ownerId,
    amountMinor: v.amountMinor,
    currency: v.currency,
    currencyDigits: v.currencyDigits,
    expectedCloseDate: v.expectedCloseDate,
    source: v.source,
    tags: v.tags,
    customFields: v.customFields,
    closedAt: v.closedAt,
    closedBy: v.closedBy,
    lostReason: v.lostReason,
    createdAt: v.createdAt,
    updatedAt: v.updatedAt,
  };
}

export function toStageChangedPayload(
  v: DealView,
  move: { fromStageId: string; movedBy: string | null; movedAt: Date; secondsInFromStage: number; reopened: boolean },
): SalesDealStageChangedPayload {
  return {
    ...toPayload(v),
    fromStageId: move.fromStageId,
    toStageId: v.stageId,
    movedBy: move.movedBy,
    movedAt: move.movedAt.toISOString(),
    secondsInFromStage: move.secondsInFromStage,
    reopened: move.reopened,
  };
}
