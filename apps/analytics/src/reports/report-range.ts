import { todayUtc } from '../shared/analytics-settings';
import { checkRange } from '../shared/report-query.dto';

/** The report's days: from/to as given, else the twelve months up to today. */
export function reportRange(q: { from?: string; to?: string }): { from: string; to: string } {
  checkRange(q);
  const to = q.to ?? todayUtc();
  const from = q.from ?? new Date(Date.parse(`${to}T00:00:00Z`) - 364 * 86_400_000).toISOString().slice(0, 10);
  checkRange({ from, to });
  return { from, to };
}

export function monthKey(d: string | Date): string {
  return (typeof d === 'string' ? d : d.toISOString()).slice(0, 7);
}

/** Months from..to inclusive as YYYY-MM. */
export function monthsBetween(from: string, to: string): string[] {
  const out: string[] = [];
  let [y, m] = from.slice(0, 7).split('-').map(Number);
  const [ty, tm] = to.slice(0, 7).split('-').map(Number);
  while (y < ty || (y === ty && m <= tm)) {
    out.push(`${y}-${String(m).padStart(2, '0')}`);
    m += 1;
    if (m > 12) {
      m = 1;
      y += 1;
    }
  }
  return out;
}

export function shiftMonth(month: string, by: number): string {
  const [y, m] = month.split('-').map(Number);
  const n = y * 12 + (m - 1) + by;
  return `${Math.floor(n / 12)}-${String((n % 12) + 1).padStart(2, '0')}`;
}

/** (now - before) / before, null when there is nothing to compare with. */
export function growth(now: number, before: number | undefined): number | null {
  return before ? (now - before) / before : null;
}
