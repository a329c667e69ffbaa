import { grants } from './permissions';

const DAYS = ['Mon', 'Tue', 'Wed', 'Thu', 'Fri', 'Sat', 'Sun'];

/** "Mon–Fri 09:00–18:00; Sat 10:00–14:00": a business calendar's working hours (ISO weekdays) in words. */
export function hoursWords(hours: readonly { day: number; start: string; end: string }[]): string {
  const bySpan = new Map<string, number[]>();
  for (const h of hours) {
    const span = `${h.start}–${h.end}`;
    bySpan.set(span, [...(bySpan.get(span) ?? []), h.day]);
  }
  return [...bySpan.entries()]
    .map(([span, days]) => {
      const d = [...new Set(days)].sort((a, b) => a - b);
      const run = d.every((x, i) => i === 0 || x === d[i - 1] + 1);
      const label =
        d.length > 2 && run ? `${DAYS[d[0] - 1]}–${DAYS[d[d.length - 1] - 1]}` : d.map((x) => DAYS[x - 1]).join(', ');
      return `${label} ${span}`;
    })
    .join('; ');
}

/** "2 h 30 min" from business minutes; "—" when a policy sets no such target. */
export function minutesWords(m: number | null): string {
  if (m === null) return '—';
  const h = Math.floor(m / 60);
  return h ? `${h} h${m % 60 ? ` ${m % 60} min` : ''}` : `${m} min`;
}

export const ROLE_AREAS = [
  'contacts',
  'sales',
  'support',
  'marketing',
  'documents',
  'analytics',
  'gateway',
  'webhooks',
];
export const ROLE_ACTIONS = ['read', 'write', 'admin'];

/** What a set of grants allows, area by area, by the platform's wildcard rule. */
export function allowedMatrix(permissions: readonly string[]): { area: string; allowed: Record<string, boolean> }[] {
  return ROLE_AREAS.map((area) => ({
    area,
    allowed: Object.fromEntries(ROLE_ACTIONS.map((a) => [a, grants(permissions, `${area}:${a}`)])),
  }));
}

/** The audit log's filters in the address: `?subject=&since=` (since as typed, a local date-time). */
export function auditQuery(search: string): { subject?: string; since?: string } {
  const p = new URLSearchParams(search);
  const subject = p.get('subject')?.trim();
  const since = p.get('since')?.trim();
  return { ...(subject ? { subject } : {}), ...(since ? { since } : {}) };
}

/** A local date-time from the filter as the API's ISO 8601 (an unreadable one is sent as is, for the API to refuse). */
export function asIso(local: string): string {
  const d = new Date(local);
  return Number.isNaN(d.getTime()) ? local : d.toISOString();
}

/** A survey's promoters, passives and detractors as whole percents of its answers (0 each without answers). */
export function npsShares(n: { responses: number; promoters: number; passives: number; detractors: number }): {
  promoters: number;
  passives: number;
  detractors: number;
} {
  const pct = (x: number) => (n.responses ? Math.round((x / n.responses) * 100) : 0);
  return { promoters: pct(n.promoters), passives: pct(n.passives), detractors: pct(n.detractors) };
}
