import { erasureCompletedType, type ErasureCompletedPayload } from '../erasure/erasure.events';

/**
 * Events marketing publishes on the stream CRM_MARKETING (`crm.marketing.>`).
 * Additive only. Each event's `subject` is the entity id named below.
 */
export const MARKETING_EVENTS = {
  /** subject: contact id; data: SegmentMembershipPayload */
  segmentEntered: 'crm.marketing.segment.entered',
  /** subject: contact id; data: SegmentMembershipPayload */
  segmentLeft: 'crm.marketing.segment.left',
  /** subject: segment id; data: SegmentRebuiltPayload (a full rebuild after a definition change) */
  segmentRebuilt: 'crm.marketing.segment.rebuilt',
  /** subject: campaign id; data: CampaignPayload */
  campaignScheduled: 'crm.marketing.campaign.scheduled',
  campaignStarted: 'crm.marketing.campaign.started',
  campaignCompleted: 'crm.marketing.campaign.completed',
  /** subject: message id; data: MessageSentPayload (also the `sent` touchpoint) */
  messageSent: 'crm.marketing.message.sent',
  /** subject: message id; data: MessageSkippedPayload */
  messageSkipped: 'crm.marketing.message.skipped',
  /** subject: touchpoint id; data: TouchpointPayload (delivered, opened, clicked, converted, bounced) */
  touchpointRecorded: 'crm.marketing.touchpoint.recorded',
  /** subject: coupon id; data: CouponPayload */
  couponIssued: 'crm.marketing.coupon.issued',
  /** subject: coupon id; data: CouponRedemptionPayload */
  couponRedeemed: 'crm.marketing.coupon.redeemed',
  /** subject: order id; data: CouponRedemptionPayload (reason set) */
  couponRejected: 'crm.marketing.coupon.rejected',
  /** subject: contact id; data: PointsPayload */
  pointsEarned: 'crm.marketing.points.earned',
  pointsRedeemed: 'crm.marketing.points.redeemed',
  pointsExpired: 'crm.marketing.points.expired',
  /** subject: contact id; data: TierChangedPayload */
  tierChanged: 'crm.marketing.tier.changed',
  /** subject: response id; data: SurveyAnsweredPayload */
  surveyAnswered: 'crm.marketing.survey.answered',
  /**
   * subject: contact id; data: ConsentWithdrawnPayload. A one-click
   * unsubscribe; contacts applies it to the consent it owns.
   */
  consentWithdrawn: 'crm.marketing.consent.withdrawn',
  /** marketing's erasure receipt; data: MarketingErasureCompletedPayload (an ErasureCompletedPayload) */
  erasureCompleted: erasureCompletedType('marketing'),
} as const;

/** A partner business told to delete an erased contact it received (partner sharing). */
export interface ErasurePartnerNotified {
  partnerId: string;
  partnerName: string;
  agreementId: string;
  /** The deletion notice; its delivery is retried and recorded by marketing. */
  noticeId: string;
  /** `erased`, or `consent_withdrawn` for a notice sent before the erasure. */
  reason: string;
}

/** data of `crm.marketing.erasure.completed`: the common receipt, plus the partners told to delete the contact. */
export interface MarketingErasureCompletedPayload extends ErasureCompletedPayload {
  partnersNotified?: ErasurePartnerNotified[];
}

export type MarketingChannel = 'email' | 'sms' | 'social';
export const MARKETING_CHANNELS: readonly MarketingChannel[] = ['email', 'sms', 'social'];

export interface SegmentMembershipPayload {
  segmentId: string;
  contactId: string;
  /** When the membership changed (the contact event that moved it was applied). */
  at: string;
}

export interface SegmentRebuiltPayload {
  segmentId: string;
  /** The definition version the members now reflect. */
  definitionVersion: number;
  members: number;
  entered: number;
  left: number;
  tookMs: number;
}

export interface CampaignPayload {
  id: string;
  version: number;
  name: string;
  channel: MarketingChannel;
  status: 'draft' | 'scheduled' | 'sending' | 'paused' | 'done' | 'cancelled';
  sendAt: string | null;
  costMinor: number | null;
  currency: string | null;
  utmCampaign: string | null;
  /** Counts so far (started, completed). */
  counts?: { queued: number; sent: number; skipped: number; failed: number };
}

export interface MessageSentPayload {
  messageId: string;
  campaignId: string;
  contactId: string;
  channel: MarketingChannel;
  variant: 'A' | 'B';
  utmSource: string | null;
  utmMedium: string | null;
  utmCampaign: string | null;
  sentAt: string;
}

/** Why a message was not sent. */
export type SkipReason =
  | 'no_consent'
  | 'do_not_contact'
  | 'frequency_cap'
  | 'quiet_hours'
  | 'no_address'
  | 'contact_gone'
  | 'interrupted'
  | 'render_failed';

export interface MessageSkippedPayload {
  messageId: string;
  campaignId: string;
  contactId: string;
  channel: MarketingChannel;
  reason: SkipReason;
  at: string;
}

export type TouchpointKind = 'sent' | 'delivered' | 'opened' | 'clicked' | 'converted' | 'bounced';

export interface TouchpointPayload {
  id: string;
  contactId: string;
  campaignId: string | null;
  messageId: string | null;
  kind: TouchpointKind;
  channel: MarketingChannel;
  utmSource: string | null;
  utmMedium: string | null;
  utmCampaign: string | null;
  /** Clicked: the destination; converted: null. */
  url: string | null;
  /** Converted: the order. */
  orderId: string | null;
  occurredAt: string;
}

export interface CouponPayload {
  id: string;
  promotionId: string;
  code: string;
  /** null for a shared code. */
  contactId: string | null;
  issuedAt: string;
}

export type CouponRejectReason =
  | 'unknown_code'
  | 'expired'
  | 'not_started'
  | 'exhausted'
  | 'wrong_customer'
  | 'already_redeemed'
  | 'per_customer_limit';

export interface CouponRedemptionPayload {
  promotionId: string | null;
  couponId: string | null;
  code: string;
  orderId: string;
  contactId: string | null;
  outcome: 'redeemed' | 'rejected';
  reason: CouponRejectReason | null;
  at: string;
}

export interface PointsPayload {
  programId: string;
  contactId: string;
  entryId: string;
  points: number;
  balance: number;
  orderId: string | null;
  at: string;
}

export interface TierChangedPayload {
  programId: string;
  contactId: string;
  from: string | null;
  to: string | null;
  at: string;
}

export interface SurveyAnsweredPayload {
  surveyId: string;
  responseId: string;
  contactId: string | null;
  /** The NPS answer (0-10), if the survey has an NPS question. */
  nps: number | null;
  answeredAt: string;
}

export interface ConsentWithdrawnPayload {
  contactId: string;
  channel: MarketingChannel;
  purpose: 'marketing';
  source: 'unsubscribe';
  campaignId: string | null;
  decidedAt: string;
}
