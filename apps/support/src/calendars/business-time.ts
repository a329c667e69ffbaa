import { DateTime } from 'luxon';
import Holidays from 'date-holidays';

/** One span of working time on an ISO weekday (1 = Monday ... 7 = Sunday), local "HH:mm", end may be "24:00". */
export interface WorkingSpan {
  day: number;
  start: string;
  end: string;
}

/** What business-time arithmetic needs of a calendar. */
export interface BusinessCalendar {
  timeZone: string;
  hours: WorkingSpan[];
  /** Explicit non-working dates, "YYYY-MM-DD" in the calendar's time zone. */
  holidays: string[];
  /** Public holidays of this country (and region) from date-holidays, on top of the explicit dates. */
  holidayCountry?: string | null;
  holidayRegion?: string | null;
}

/** A calendar with no working time at all would never reach a due date: search at most this far ahead. */
const MAX_DAYS = 3 * 366;

const TIME = /^([01]\d|2[0-3]):([0-5]\d)$|^24:00$/;

function minutesOf(hhmm: string): number {
  const [h, m] = hhmm.split(':').map(Number);
  return h * 60 + m;
}

/** Problems with a calendar's hours (bad times, end before start, overlaps on a day), each naming the span. */
export function checkWorkingHours(hours: WorkingSpan[]): { field: string; message: string }[] {
  const problems: { field: string; message: string }[] = [];
  hours.forEach((s, i) => {
    if (!TIME.test(s.start)) problems.push({ field: `hours.${i}.start`, message: 'must be HH:mm (00:00-23:59)' });
    if (!TIME.test(s.end)) problems.push({ field: `hours.${i}.end`, message: 'must be HH:mm (00:01-24:00)' });
    if (TIME.test(s.start) && TIME.test(s.end) && minutesOf(s.end) <= minutesOf(s.start))
      problems.push({ field: `hours.${i}.end`, message: 'must be after start' });
  });
  if (problems.length) return problems;
  for (let day = 1; day <= 7; day++) {
    const spans = hours
      .map((s, i) => ({ ...s, i }))
      .filter((s) => s.day === day)
      .sort((a, b) => minutesOf(a.start) - minutesOf(b.start));
    for (let k = 1; k < spans.length; k++) {
      if (minutesOf(spans[k].start) < minutesOf(spans[k - 1].end))
        problems.push({
          field: `hours.${spans[k].i}`,
          message: `overlaps ${spans[k - 1].start}-${spans[k - 1].end} on day ${day}`,
        });
    }
  }
  return problems;
}

const holidayLibraries = new Map<string, Holidays>();
const publicHolidayDates = new Map<string, Set<string>>();

/** Public holiday dates (YYYY-MM-DD) of a country/region and year, cached: date-holidays is slow to build. */
function publicHolidays(country: string, region: string | null | undefined, year: number): Set<string> {
  const key = `${country}/${region ?? ''}/${year}`;
  let dates = publicHolidayDates.get(key);
  if (!dates) {
    const libKey = `${country}/${region ?? ''}`;
    let lib = holidayLibraries.get(libKey);
    if (!lib) {
      lib = region ? new Holidays(country, region) : new Holidays(country);
      holidayLibraries.set(libKey, lib);
    }
    dates = new Set((lib.getHolidays(year) || []).filter((h) => h.type === 'public').map((h) => h.date.slice(0, 10)));
    publicHolidayDates.set(key, dates);
  }
  return dates;
}

/** Whether date-holidays knows this country (and region). */
export function knowsHolidayRegion(country: string, region?: string | null): boolean {
  const lib = new Holidays();
  const countries = lib.getCountries() ?? {};
  if (!Object.prototype.hasOwnProperty.call(countries, country)) return false;
  if (!region) return true;
  const regions = lib.getStates(country) ?? {};
  return Object.prototype.hasOwnProperty.call(regions, region);
}

function isHoliday(cal: BusinessCalendar, day: DateTime, explicit: Set<string>): boolean {
  const iso = day.toISODate() as string;
  if (explicit.has(iso)) return true;
  return !!cal.holidayCountry && publicHolidays(cal.holidayCountry, cal.holidayRegion, day.year).has(iso);
}

/** The working spans of one local day as absolute [start, end) instants in ms (DST handled by luxon). */
function spansOf(cal: BusinessCalendar, day: DateTime, explicit: Set<string>): [number, number][] {
  if (isHoliday(cal, day, explicit)) return [];
  return cal.hours
    .filter((s) => s.day === day.weekday)
    .map((s): [number, number] => {
      const at = (hhmm: string) => {
        const minutes = minutesOf(hhmm);
        return minutes === 1440
          ? day.plus({ days: 1 }).startOf('day').toMillis()
          : day.set({ hour: Math.floor(minutes / 60), minute: minutes % 60, second: 0, millisecond: 0 }).toMillis();
      };
      return [at(s.start), at(s.end)];
    })
    .sort((a, b) => a[0] - b[0]);
}

/**
 * The instant `seconds` of business time after `from`. A start outside working
 * hours counts from the next working moment.
 */
export function addBusinessSeconds(cal: BusinessCalendar, from: Date, seconds: number): Date {
  const explicit = new Set(cal.holidays);
  let remaining = Math.max(0, seconds) * 1000;
  const start = from.getTime();
  let day = DateTime.fromMillis(start, { zone: cal.timeZone }).startOf('day');
  for (let i = 0; i < MAX_DAYS; i++, day = day.plus({ days: 1 })) {
    for (const [s, e] of spansOf(cal, day, explicit)) {
      const a = Math.max(s, start);
      if (e <= a) continue;
      if (remaining <= e - a) return new Date(a + remaining);
      remaining -= e - a;
    }
  }
  throw new Error(`calendar has no working time within ${MAX_DAYS} days`);
}

/** Business seconds between two instants (0 when `to` is not after `from`). */
export function businessSecondsBetween(cal: BusinessCalendar, from: Date, to: Date): number {
  const a0 = from.getTime();
  const b0 = to.getTime();
  if (b0 <= a0) return 0;
  const explicit = new Set(cal.holidays);
  let total = 0;
  let day = DateTime.fromMillis(a0, { zone: cal.timeZone }).startOf('day');
  for (let i = 0; i < MAX_DAYS && day.toMillis() < b0; i++, day = day.plus({ days: 1 })) {
    for (const [s, e] of spansOf(cal, day, explicit)) {
      const a = Math.max(s, a0);
      const b = Math.min(e, b0);
      if (b > a) total += b - a;
    }
  }
  return Math.floor(total / 1000);
}

/** Whether `at` falls in working time. */
export function isWorkingTime(cal: BusinessCalendar, at: Date): boolean {
  const t = at.getTime();
  const day = DateTime.fromMillis(t, { zone: cal.timeZone }).startOf('day');
  return spansOf(cal, day, new Set(cal.holidays)).some(([s, e]) => t >= s && t < e);
}

/** Whether luxon knows the IANA zone. */
export function isTimeZone(zone: string): boolean {
  return DateTime.now().setZone(zone).isValid;
}
