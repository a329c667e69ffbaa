import { erasureCompletedType } from '../erasure/erasure.events';

/**
 * Events published by support on the stream CRM_SUPPORT (`crm.support.>`).
 * Subject = the ticket id (asset id for asset events, contact id for the
 * erasure receipt); version = the ticket's (asset's) version. Additive only.
 * Ticket events carry no subject line, description or message text: those
 * may hold personal data and stay in support.
 */
export const SUPPORT_EVENTS = {
  /** data: SupportTicketPayload */
  ticketCreated: 'crm.support.ticket.created',
  /** data: SupportTicketPayload, after a change of subject, priority, type, tags, custom fields, asset or team */
  ticketUpdated: 'crm.support.ticket.updated',
  /** data: SupportTicketAssignedPayload */
  ticketAssigned: 'crm.support.ticket.assigned',
  /** data: SupportTicketStatusChangedPayload */
  ticketStatusChanged: 'crm.support.ticket.status-changed',
  /** data: SupportTicketPayload (status 'solved') */
  ticketSolved: 'crm.support.ticket.solved',
  /** data: SupportTicketPayload (solved -> open) */
  ticketReopened: 'crm.support.ticket.reopened',
  /** data: SupportTicketMergedPayload; subject = the merged-away ticket */
  ticketMerged: 'crm.support.ticket.merged',
  /** data: SupportMessageAddedPayload */
  messageAdded: 'crm.support.message.added',
  /** data: SlaEventPayload, when a clock passes its warning share of the target */
  slaWarning: 'crm.support.sla.warning',
  /** data: SlaEventPayload, when a clock passes its due time unmet (emitted by the scheduler at that moment) */
  slaBreached: 'crm.support.sla.breached',
  /** data: SupportCsatReceivedPayload */
  csatReceived: 'crm.support.csat.received',
  /** data: SupportAssetPayload, one per unit sold */
  assetCreated: 'crm.support.asset.created',
  /** data: SupportAssetPayload (status 'retired'), after a cancellation or refund */
  assetRetired: 'crm.support.asset.retired',
  /** support's erasure receipt; data: ErasureCompletedPayload */
  erasureCompleted: erasureCompletedType('support'),
} as const;

export type SupportTicketStatus = 'new' | 'open' | 'pending' | 'on-hold' | 'solved' | 'closed';
export const SUPPORT_TICKET_STATUSES: readonly SupportTicketStatus[] = [
  'new',
  'open',
  'pending',
  'on-hold',
  'solved',
  'closed',
];
export type SupportTicketPriority = 'low' | 'normal' | 'high' | 'urgent';
export const SUPPORT_TICKET_PRIORITIES: readonly SupportTicketPriority[] = ['low', 'normal', 'high', 'urgent'];
export type SupportChannel = 'email' | 'phone' | 'web' | 'chat' | 'social';
export const SUPPORT_CHANNELS: readonly SupportChannel[] = ['email', 'phone', 'web', 'chat', 'social'];
export type SlaTargetName = 'first_response' | 'next_response' | 'resolution';

/** The facts of a ticket, without its text. */
export interface SupportTicketPayload {
  id: string;
  number: number;
  version: number;
  status: SupportTicketStatus;
  priority: SupportTicketPriority;
  channel: SupportChannel;
  type: string | null;
  tags: string[];
  requesterId: string | null;
  accountId: string | null;
  assetId: string | null;
  teamId: string | null;
  assigneeId: string | null;
  slaPolicyId: string | null;
  mergedInto: string | null;
  createdAt: string;
  updatedAt: string;
  firstRespondedAt: string | null;
  solvedAt: string | null;
  closedAt: string | null;
}

export interface SupportTicketAssignedPayload extends SupportTicketPayload {
  previousAssigneeId: string | null;
  /** 'manual' or 'round-robin' */
  mode: 'manual' | 'round-robin';
}

export interface SupportTicketStatusChangedPayload extends SupportTicketPayload {
  previousStatus: SupportTicketStatus;
}

export interface SupportTicketMergedPayload {
  sourceId: string;
  targetId: string;
  movedMessages: number;
}

export interface SupportMessageAddedPayload {
  id: string;
  ticketId: string;
  visibility: 'public' | 'internal';
  authorType: 'agent' | 'customer' | 'system';
  /** Agent id for agents, contact id (if known) for customers. */
  authorId: string | null;
  channel: SupportChannel;
  createdAt: string;
}

export interface SlaEventPayload {
  ticketId: string;
  target: SlaTargetName;
  /** The target in business seconds. */
  targetSeconds: number;
  dueAt: string;
  /** When the scheduler emitted it. */
  at: string;
}

export interface SupportCsatReceivedPayload {
  surveyId: string;
  ticketId: string;
  agentId: string | null;
  teamId: string | null;
  requesterId: string | null;
  score: number;
  answeredAt: string;
}

export interface SupportAssetPayload {
  id: string;
  version: number;
  status: 'active' | 'retired';
  contactId: string | null;
  accountId: string | null;
  orderId: string;
  orderLineId: string;
  productId: string | null;
  sku: string | null;
  model: string;
  serialNumber: string | null;
  boughtAt: string;
  channel: string;
  warrantyEndsAt: string | null;
  retiredReason: 'cancelled' | 'refunded' | null;
}
