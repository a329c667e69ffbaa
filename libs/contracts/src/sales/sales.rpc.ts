/** Request-reply patterns answered by the sales service (queue group `sales`). */
export const SALES_RPC = {
  /** {@link SalesCustomerRequest} -> {@link SalesCustomerReply} */
  customerSummary: 'sales.customer.summary',
  /** {@link SalesSearchRequest} -> {@link SalesSearchReply} */
  search: 'sales.search',
} as const;

export interface SalesCustomerRequest {
  contactId: string;
}

/** An amount in a currency's minor units. */
export interface SalesMoney {
  currency: string;
  amountMinor: number;
}

export interface SalesOpenDeal {
  id: string;
  name: string;
  pipelineId: string;
  stageId: string;
  stageName: string;
  probability: number;
  amountMinor: number;
  currency: string;
  expectedCloseDate: string | null;
  ownerId: string | null;
}

export interface SalesRecentOrder {
  id: string;
  number: string | null;
  status: string;
  channel: string;
  totalMinor: number;
  currency: string;
  placedAt: string;
}

/** The sales part of the customer 360: open deals, recent orders, lifetime order totals (one per currency). */
export interface SalesCustomerReply {
  contactId: string;
  /** Open deals, newest first (at most 20). */
  openDeals: SalesOpenDeal[];
  openDealCount: number;
  /** Sum of the open deals' amounts, per currency. */
  openPipeline: SalesMoney[];
  /** The 10 most recent orders, newest first. */
  recentOrders: SalesRecentOrder[];
  orderCount: number;
  /** Lifetime order totals (net of refunds where sales-orders says so), one per currency. */
  lifetimeOrderTotal: SalesMoney[];
}

export interface SalesSearchRequest {
  q: string;
  limit?: number;
}

export interface SalesSearchHit {
  kind: 'deal' | 'order';
  id: string;
  title: string;
  subtitle: string | null;
}

export interface SalesSearchReply {
  hits: SalesSearchHit[];
}
