import {
  addBusinessSeconds,
  businessSecondsBetween,
  checkWorkingHours,
  isWorkingTime,
  type BusinessCalendar,
  type WorkingSpan,
} from './business-time';

const weekdays = (start: string, end: string): WorkingSpan[] => [1, 2, 3, 4, 5].map((day) => ({ day, start, end }));

const paris: BusinessCalendar = {
  timeZone: 'Europe/Paris',
  hours: weekdays('09:00', '18:00'),
  holidays: [],
  holidayCountry: 'FR',
};

const H = 3600;

describe('business time on a calendar (Europe/Paris, Mon-Fri 09:00-18:00, French public holidays)', () => {
  it.each([
    // created (UTC), business seconds, due (UTC), why
    ['2026-06-05T14:00:00Z', 4 * H, '2026-06-08T09:00:00Z', 'Friday 16:00 + 4 h is Monday 11:00 (summer time, UTC+2)'],
    ['2026-01-09T15:00:00Z', 4 * H, '2026-01-12T10:00:00Z', 'Friday 16:00 + 4 h is Monday 11:00 (winter time, UTC+1)'],
    [
      '2026-04-03T14:00:00Z',
      4 * H,
      '2026-04-07T09:00:00Z',
      'over Easter Monday 2026-04-06 (date-holidays): Tuesday 11:00',
    ],
    [
      '2026-03-27T15:00:00Z',
      4 * H,
      '2026-03-30T09:00:00Z',
      'across the switch to summer time on 2026-03-29: Monday 11:00 CEST',
    ],
    [
      '2026-10-23T14:00:00Z',
      4 * H,
      '2026-10-26T10:00:00Z',
      'across the switch to winter time on 2026-10-25: Monday 11:00 CET',
    ],
    ['2026-06-06T10:00:00Z', 1 * H, '2026-06-08T08:00:00Z', 'created on a Saturday: counts from Monday 09:00'],
    ['2026-06-08T05:00:00Z', 30 * 60, '2026-06-08T07:30:00Z', 'created before opening: counts from 09:00'],
    ['2026-06-08T14:00:00Z', 9 * H, '2026-06-09T14:00:00Z', 'a whole working day later'],
    [
      '2026-07-13T15:00:00Z',
      2 * H,
      '2026-07-15T08:00:00Z',
      'Monday 17:00 + 2 h over Bastille Day (Tuesday 14 July): Wednesday 10:00',
    ],
  ])('%s + %i s is due %s (%s)', (created, seconds, due) => {
    expect(addBusinessSeconds(paris, new Date(created), seconds).toISOString()).toBe(new Date(due).toISOString());
  });

  it('skips an explicit company holiday as well as the public ones', () => {
    const withBridge = { ...paris, holidays: ['2026-06-08'] };
    expect(addBusinessSeconds(withBridge, new Date('2026-06-05T14:00:00Z'), 4 * H).toISOString()).toBe(
      '2026-06-09T09:00:00.000Z',
    );
  });

  it('counts the short night of the spring DST change as 23 hours on a round-the-clock calendar', () => {
    const allDay: BusinessCalendar = {
      timeZone: 'Europe/Paris',
      hours: [1, 2, 3, 4, 5, 6, 7].map((day) => ({ day, start: '00:00', end: '24:00' })),
      holidays: [],
    };
    // Sunday 2026-03-29 00:00 local (23:00Z Saturday) + 24 business hours = Monday 01:00 local = Sunday 23:00Z.
    expect(addBusinessSeconds(allDay, new Date('2026-03-28T23:00:00Z'), 24 * H).toISOString()).toBe(
      '2026-03-29T23:00:00.000Z',
    );
    expect(businessSecondsBetween(allDay, new Date('2026-03-28T23:00:00Z'), new Date('2026-03-29T22:00:00Z'))).toBe(
      23 * H,
    );
  });

  it('measures business time between two instants the same way it adds it', () => {
    expect(businessSecondsBetween(paris, new Date('2026-06-05T14:00:00Z'), new Date('2026-06-08T09:00:00Z'))).toBe(
      4 * H,
    );
    expect(businessSecondsBetween(paris, new Date('2026-04-03T14:00:00Z'), new Date('2026-04-07T09:00:00Z'))).toBe(
      4 * H,
    );
    expect(businessSecondsBetween(paris, new Date('2026-06-08T09:00:00Z'), new Date('2026-06-08T08:00:00Z'))).toBe(0);
  });

  it('pauses: time spent pending does not count, so the due time moves by the business time paused', () => {
    // Friday 16:00 start, 4 h target; pending from Friday 17:00 to Monday 10:00 (1 business hour paused).
    const start = new Date('2026-06-05T14:00:00Z');
    const pausedAt = new Date('2026-06-05T15:00:00Z');
    const resumedAt = new Date('2026-06-08T08:00:00Z');
    const used = businessSecondsBetween(paris, start, pausedAt);
    expect(used).toBe(1 * H);
    expect(addBusinessSeconds(paris, resumedAt, 4 * H - used).toISOString()).toBe('2026-06-08T11:00:00.000Z');
  });

  it('knows working time from the rest', () => {
    expect(isWorkingTime(paris, new Date('2026-06-08T08:00:00Z'))).toBe(true);
    expect(isWorkingTime(paris, new Date('2026-06-08T16:30:00Z'))).toBe(false);
    expect(isWorkingTime(paris, new Date('2026-04-06T10:00:00Z'))).toBe(false);
  });

  it('refuses overlapping spans, an end before its start and bad times, naming the span', () => {
    expect(
      checkWorkingHours([
        { day: 1, start: '09:00', end: '13:00' },
        { day: 1, start: '12:00', end: '18:00' },
      ]),
    ).toEqual([{ field: 'hours.1', message: 'overlaps 09:00-13:00 on day 1' }]);
    expect(checkWorkingHours([{ day: 2, start: '18:00', end: '09:00' }])).toEqual([
      { field: 'hours.0.end', message: 'must be after start' },
    ]);
    expect(checkWorkingHours([{ day: 2, start: '25:00', end: '26:00' }]).map((p) => p.field)).toEqual([
      'hours.0.start',
      'hours.0.end',
    ]);
    expect(checkWorkingHours([...weekdays('09:00', '12:00'), ...weekdays('13:00', '24:00')])).toEqual([]);
  });
});
