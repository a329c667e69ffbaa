/** Request-reply patterns answered by the marketing service (queue group `marketing`). */
export const MARKETING_RPC = {
  /** {@link MarketingCustomerRequest} -> {@link MarketingCustomerReply} */
  customerGet: 'marketing.customer.get',
  /** {@link MarketingSearchRequest} -> {@link MarketingSearchReply} */
  search: 'marketing.search',
} as const;

export interface MarketingCustomerRequest {
  contactId: string;
}

/** The marketing part of the customer 360. */
export interface MarketingCustomerReply {
  contactId: string;
  segments: { id: string; name: string; enteredAt: string }[];
  /** The 10 most recent touchpoints, newest first. */
  touchpoints: {
    kind: string;
    channel: string;
    campaignId: string | null;
    utmCampaign: string | null;
    occurredAt: string;
  }[];
  loyalty: { programId: string; balance: number; tier: string | null }[];
  coupons: { code: string; promotionId: string; status: string }[];
  /**
   * Where the contact's data went to partner businesses: each share that carried
   * them (newest first, at most 20) and the deletion notice sent for it, if any.
   * Absent from older marketing versions.
   */
  partnerSharing?: {
    shareId: string;
    partnerId: string;
    partnerName: string;
    agreementId: string;
    fields: string[];
    sharedAt: string;
    expiresAt: string | null;
    status: string;
    deletionNotice: { status: string; reason: string; deliveredAt: string | null } | null;
  }[];
}

export interface MarketingSearchRequest {
  q: string;
  limit?: number;
}

export interface MarketingSearchReply {
  hits: { kind: 'segment' | 'campaign' | 'promotion'; id: string; title: string; subtitle: string | null }[];
}
