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
}

export interface MarketingSearchRequest {
  q: string;
  limit?: number;
}

export interface MarketingSearchReply {
  hits: { kind: 'segment' | 'campaign' | 'promotion'; id: string; title: string; subtitle: string | null }[];
}
