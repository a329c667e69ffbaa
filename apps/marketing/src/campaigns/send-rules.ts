export interface SendRule {
  channel: string;
  max_messages: number;
  period_hours: number;
  quiet_start: number | null;
  quiet_end: number | null;
}

/** The hour (0-23) now in a time zone; an unknown zone counts as UTC. */
export function localHour(now: Date, timeZone: string | null): number {
  try {
    return Number(
      new Intl.DateTimeFormat('en-GB', { hour: '2-digit', hourCycle: 'h23', timeZone: timeZone ?? 'UTC' }).format(now),
    );
  } catch {
    return now.getUTCHours();
  }
}

/**
 * When quiet hours are on for the contact now, the time they end (rounded to
 * the hour), else null. quiet 21 -> 8 spans midnight; equal bounds mean none.
 */
export function quietUntil(rule: SendRule, now: Date, timeZone: string | null): Date | null {
  const { quiet_start: start, quiet_end: end } = rule;
  if (start === null || end === null || start === end) return null;
  const h = localHour(now, timeZone);
  const quiet = start < end ? h >= start && h < end : h >= start || h < end;
  if (!quiet) return null;
  const hours = (end - h + 24) % 24 || 24;
  const at = new Date(now.getTime() + hours * 3_600_000);
  at.setUTCMinutes(0, 0, 0);
  return at;
}
