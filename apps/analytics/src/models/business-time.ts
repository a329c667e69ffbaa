/**
 * Business time between two instants under a weekly calendar in UTC: the
 * seconds that fall on working days inside the working hours. Support's own
 * calendars live in support; analytics reports first response and resolution
 * in this one calendar (ANALYTICS_BUSINESS_HOURS), beside calendar time.
 */
export interface BusinessCalendar {
  /** ISO weekdays worked, 1 = Monday ... 7 = Sunday */
  days: readonly number[];
  /** minutes after midnight UTC the working day starts and ends */
  startMinute: number;
  endMinute: number;
}

export const DEFAULT_CALENDAR: BusinessCalendar = { days: [1, 2, 3, 4, 5], startMinute: 9 * 60, endMinute: 17 * 60 };

const DAY_MS = 86_400_000;

/** Parses "Mon-Fri 09:00-17:00" (a day range or list such as "Mon,Wed,Fri", then hours). */
export function parseCalendar(text: string): BusinessCalendar | null {
  const names = ['mon', 'tue', 'wed', 'thu', 'fri', 'sat', 'sun'];
  const m = /^([A-Za-z,-]+)\s+(\d{2}):(\d{2})-(\d{2}):(\d{2})$/.exec(text.trim());
  if (!m) return null;
  const days = new Set<number>();
  for (const part of m[1].toLowerCase().split(',')) {
    const [a, b] = part.split('-');
    const from = names.indexOf(a) + 1;
    const to = b === undefined ? from : names.indexOf(b) + 1;
    if (from < 1 || to < 1 || to < from) return null;
    for (let d = from; d <= to; d++) days.add(d);
  }
  const startMinute = Number(m[2]) * 60 + Number(m[3]);
  const endMinute = Number(m[4]) * 60 + Number(m[5]);
  if (endMinute <= startMinute || endMinute > 24 * 60) return null;
  return { days: [...days].sort(), startMinute, endMinute };
}

export function businessSeconds(start: Date, end: Date, calendar: BusinessCalendar = DEFAULT_CALENDAR): number {
  const from = start.getTime();
  const to = end.getTime();
  if (!(to > from)) return 0;
  const perDay = (calendar.endMinute - calendar.startMinute) * 60_000;
  const open = (d: number) => d + calendar.startMinute * 60_000;
  const close = (d: number) => d + calendar.endMinute * 60_000;
  const worked = (d: number) => calendar.days.includes(((new Date(d).getUTCDay() + 6) % 7) + 1);
  const inDay = (d: number) => (worked(d) ? Math.max(0, Math.min(to, close(d)) - Math.max(from, open(d))) : 0);
  const firstDay = Math.floor(from / DAY_MS) * DAY_MS;
  const lastDay = Math.floor(to / DAY_MS) * DAY_MS;
  let total = inDay(firstDay);
  let day = firstDay + DAY_MS;
  // Whole weeks strictly between the first and last day count at once, so a span of years costs a few steps.
  const fullWeeks = Math.floor((lastDay - day) / (7 * DAY_MS));
  if (fullWeeks > 0) {
    total += fullWeeks * calendar.days.length * perDay;
    day += fullWeeks * 7 * DAY_MS;
  }
  for (; day <= lastDay; day += DAY_MS) total += inDay(day);
  return Math.round(total / 1000);
}
