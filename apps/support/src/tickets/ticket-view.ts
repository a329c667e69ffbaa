import type { SupportChannel, SupportTicketPayload, SupportTicketPriority, SupportTicketStatus } from '@crm/contracts';
import type { ClockView } from '../sla/sla-clocks';

export interface TicketRow {
  id: string;
  number: string;
  subject: string;
  description: string;
  requester_id: string | null;
  requester_name: string | null;
  requester_email: string | null;
  account_id: string | null;
  account_tier: string | null;
  status: SupportTicketStatus;
  priority: SupportTicketPriority;
  channel: SupportChannel;
  type: string | null;
  tags: string[];
  custom_fields: Record<string, unknown>;
  asset_id: string | null;
  team_id: string | null;
  assignee_id: string | null;
  sla_policy_id: string | null;
  merged_into: string | null;
  conversation_key: string | null;
  version: number;
  created_at: Date;
  updated_at: Date;
  first_responded_at: Date | null;
  solved_at: Date | null;
  closed_at: Date | null;
}

export interface TicketView {
  id: string;
  number: number;
  version: number;
  subject: string;
  description: string;
  requester: { id: string | null; name: string | null; email: string | null };
  accountId: string | null;
  accountTier: string | null;
  status: SupportTicketStatus;
  priority: SupportTicketPriority;
  channel: SupportChannel;
  type: string | null;
  tags: string[];
  customFields: Record<string, unknown>;
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
  sla?: ClockView[];
}

const iso = (d: Date | null) => (d ? new Date(d).toISOString() : null);

export function toView(r: TicketRow, sla?: ClockView[]): TicketView {
  return {
    id: r.id,
    number: Number(r.number),
    version: r.version,
    subject: r.subject,
    description: r.description,
    requester: { id: r.requester_id, name: r.requester_name, email: r.requester_email },
    accountId: r.account_id,
    accountTier: r.account_tier,
    status: r.status,
    priority: r.priority,
    channel: r.channel,
    type: r.type,
    tags: r.tags,
    customFields: r.custom_fields,
    assetId: r.asset_id,
    teamId: r.team_id,
    assigneeId: r.assignee_id,
    slaPolicyId: r.sla_policy_id,
    mergedInto: r.merged_into,
    createdAt: iso(r.created_at) as string,
    updatedAt: iso(r.updated_at) as string,
    firstRespondedAt: iso(r.first_responded_at),
    solvedAt: iso(r.solved_at),
    closedAt: iso(r.closed_at),
    ...(sla ? { sla } : {}),
  };
}

/** The event shape: the facts, never the subject, description or requester details. */
export function toPayload(r: TicketRow): SupportTicketPayload {
  const v = toView(r);
  return {
    id: v.id,
    number: v.number,
    version: v.version,
    status: v.status,
    priority: v.priority,
    channel: v.channel,
    type: v.type,
    tags: v.tags,
    requesterId: v.requester.id,
    accountId: v.accountId,
    assetId: v.assetId,
    teamId: v.teamId,
    assigneeId: v.assigneeId,
    slaPolicyId: v.slaPolicyId,
    mergedInto: v.mergedInto,
    createdAt: v.createdAt,
    updatedAt: v.updatedAt,
    firstRespondedAt: v.firstRespondedAt,
    solvedAt: v.solvedAt,
    closedAt: v.closedAt,
  };
}
