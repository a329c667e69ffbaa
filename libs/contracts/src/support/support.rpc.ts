import type { SlaTargetName, SupportTicketPriority, SupportTicketStatus } from './support.events';

/** Request-reply patterns answered by support (queue group `support`). */
export const SUPPORT_RPC = {
  /** {@link SupportCustomerRequest} -> {@link SupportCustomerReply} */
  customerSummary: 'support.customer.summary',
  /** {@link SupportSearchRequest} -> {@link SupportSearchReply} */
  search: 'support.search',
} as const;

export interface SupportCustomerRequest {
  contactId: string;
}

/** The support part of the customer 360. */
export interface SupportCustomerReply {
  /** Open tickets (new, open, pending, on-hold), newest first, at most 20. */
  openTickets: {
    id: string;
    number: number;
    subject: string;
    status: SupportTicketStatus;
    priority: SupportTicketPriority;
    assetId: string | null;
    createdAt: string;
    /** The nearest running SLA clock, if any. */
    nextDue: { target: SlaTargetName; dueAt: string } | null;
  }[];
  /** Active and retired assets, newest first, at most 50. */
  assets: {
    id: string;
    model: string;
    serialNumber: string | null;
    boughtAt: string;
    warrantyEndsAt: string | null;
    status: 'active' | 'retired';
    tickets: number;
  }[];
  lastCsat: { score: number; comment: string | null; answeredAt: string; ticketId: string } | null;
}

export interface SupportSearchRequest {
  q: string;
  limit?: number;
}

export interface SupportSearchHit {
  kind: 'ticket';
  id: string;
  title: string;
  subtitle: string | null;
  status: SupportTicketStatus;
}

export interface SupportSearchReply {
  hits: SupportSearchHit[];
}
