import type { SupportTicketStatus } from '@crm/contracts';
import { supportError } from '../shared/support-errors';

export const OPEN_STATUSES: readonly SupportTicketStatus[] = ['new', 'open', 'pending', 'on-hold'];

/** Where each status may go. solved -> open is a reopen; closed is final (a follow-up is a new ticket). */
const NEXT: Record<SupportTicketStatus, readonly SupportTicketStatus[]> = {
  new: ['open', 'pending', 'on-hold', 'solved'],
  open: ['pending', 'on-hold', 'solved'],
  pending: ['open', 'on-hold', 'solved'],
  'on-hold': ['open', 'pending', 'solved'],
  solved: ['open', 'closed'],
  closed: [],
};

export function canMove(from: SupportTicketStatus, to: SupportTicketStatus): boolean {
  return NEXT[from].includes(to);
}

/** Throws TICKET_TRANSITION_INVALID (or TICKET_CLOSED) for a move the lifecycle does not allow. */
export function checkMove(from: SupportTicketStatus, to: SupportTicketStatus): void {
  if (from === 'closed') throw supportError('TICKET_CLOSED', 'A closed ticket cannot change; open a follow-up ticket');
  if (!canMove(from, to))
    throw supportError('TICKET_TRANSITION_INVALID', `A ticket cannot go from ${from} to ${to}`, {
      from,
      to,
      allowed: NEXT[from],
    });
}

export const isOpen = (s: SupportTicketStatus) => OPEN_STATUSES.includes(s);
