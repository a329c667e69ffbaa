/**
 * Support's routes declare no answer bodies in the merged document yet, so these are its views
 * (apps/support/src/tickets/ticket-view.ts) written down here; `unwrapUndeclared` stops compiling
 * for a route as soon as it declares one, and the generated type must replace these. Request bodies
 * and query parameters are the generated ones already.
 */
export type QueueView = 'mine' | 'team' | 'unassigned' | 'breaching-soon';
export const asView = (v: string | null): QueueView =>
  v === 'mine' || v === 'team' || v === 'breaching-soon' ? v : 'unassigned';
export interface Team {
  id: string;
  name: string;
}
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
  assetId: string | null;
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

/** apps/support/src/assets/asset-view.ts: one unit sold, from sales' orders. */
export interface Asset {
  id: string;
  status: 'active' | 'retired';
  contactId: string | null;
  orderId: string;
  productId: string | null;
  sku: string | null;
  model: string;
  serialNumber: string | null;
  boughtAt: string;
  channel: string;
  warrantyEndsAt: string | null;
  retiredReason: 'cancelled' | 'refunded' | null;
  unitNo: number;
  underWarranty: boolean;
}

/** apps/support/src/csat/csat.controller.ts `results`: answers and average score per agent or team. */
export interface CsatResults {
  by: 'agent' | 'team';
  items: { id: string | null; answers: number; average: number }[];
}

/** "under warranty until 3 Mar 2028" / "warranty ended 1 Feb 2025" / "no warranty". */
export function warrantyWords(a: Pick<Asset, 'warrantyEndsAt' | 'underWarranty' | 'status'>): string {
  if (a.status === 'retired') return 'retired';
  if (!a.warrantyEndsAt) return 'no warranty';
  const day = new Date(a.warrantyEndsAt).toLocaleDateString(undefined, { dateStyle: 'medium' });
  return a.underWarranty ? `under warranty until ${day}` : `warranty ended ${day}`;
}

/** apps/support/src/calendars/calendars.controller.ts `calendarView`: a business calendar. */
export interface Calendar {
  id: string;
  name: string;
  timeZone: string;
  hours: { day: number; start: string; end: string }[];
  holidays: string[];
  holidayCountry: string | null;
  holidayRegion: string | null;
  version: number;
  createdAt: string;
}

/** The same file's `policyView`: targets in business minutes for a priority (and channel, account tier). */
export interface SlaPolicy {
  id: string;
  name: string;
  calendarId: string;
  priority: string;
  channel: string | null;
  accountTier: string | null;
  firstResponseMinutes: number | null;
  nextResponseMinutes: number | null;
  resolutionMinutes: number | null;
  warnAtPercent: number;
  pauseOnPending: boolean;
  pauseOnHold: boolean;
  version: number;
}
