/** The support service documents no response bodies: these are its views (apps/support/src/tickets/ticket-view.ts). */
export interface SlaClock {
  target: string;
  state: string;
  dueAt: string | null;
  remainingSeconds: number;
}
export interface Ticket {
  id: string;
  number: number;
  version: number;
  subject: string;
  description: string;
  requester: { id: string | null; name: string | null; email: string | null };
  status: string;
  priority: string;
  channel: string;
  teamId: string | null;
  assigneeId: string | null;
  createdAt: string;
  sla?: SlaClock[];
}
export interface TicketMessage {
  id: string;
  visibility: 'public' | 'internal';
  authorType: string;
  authorName: string | null;
  body: string;
  createdAt: string;
}
export interface Page<T> {
  items: T[];
  nextCursor: string | null;
}

/** "2 h 05 min left" / "overdue by 3 min": an SLA clock in words. */
export function clockWords(c: SlaClock): string {
  if (c.state === 'met') return 'met';
  if (c.state === 'paused') return 'paused';
  const s = Math.abs(c.remainingSeconds);
  const h = Math.floor(s / 3600);
  const m = Math.floor((s % 3600) / 60);
  const span = h ? `${h} h ${String(m).padStart(2, '0')} min` : `${m} min`;
  return c.remainingSeconds < 0 ? `overdue by ${span}` : `${span} left`;
}
