import type { Schemas } from '../../api/client';

/** Support's views, as its routes declare them in the merged document. */
export type Team = Schemas['TeamSummaryDto'];
export type SlaClock = Schemas['SlaClockDto'];
/** A ticket with its SLA clocks (a queue's row has only the next clock's due time, in breaching-soon). */
export type Ticket = Schemas['TicketDto'];
export type Asset = Schemas['AssetDto'];
export type Calendar = Schemas['CalendarDto'];

export type QueueView = 'mine' | 'team' | 'unassigned' | 'breaching-soon';
export const asView = (v: string | null): QueueView =>
  v === 'mine' || v === 'team' || v === 'breaching-soon' ? v : 'unassigned';

/** "2 h 05 min left" / "overdue by 3 min": an SLA clock in words. */
export function clockWords(c: Pick<SlaClock, 'target' | 'state' | 'remainingSeconds'> & Partial<SlaClock>): string {
  if (c.state === 'met') return 'met';
  if (c.state === 'paused') return 'paused';
  const s = Math.abs(c.remainingSeconds);
  const h = Math.floor(s / 3600);
  const m = Math.floor((s % 3600) / 60);
  const span = h ? `${h} h ${String(m).padStart(2, '0')} min` : `${m} min`;
  return c.remainingSeconds < 0 ? `overdue by ${span}` : `${span} left`;
}

/** "under warranty until 3 Mar 2028" / "warranty ended 1 Feb 2025" / "no warranty". */
export function warrantyWords(a: Pick<Asset, 'warrantyEndsAt' | 'underWarranty' | 'status'>): string {
  if (a.status === 'retired') return 'retired';
  if (!a.warrantyEndsAt) return 'no warranty';
  const day = new Date(a.warrantyEndsAt).toLocaleDateString(undefined, { dateStyle: 'medium' });
  return a.underWarranty ? `under warranty until ${day}` : `warranty ended ${day}`;
}
