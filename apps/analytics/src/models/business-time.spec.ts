import { businessSeconds, parseCalendar } from './business-time';

const at = (s: string) => new Date(s);

describe('business time (Mon-Fri 09:00-17:00 UTC)', () => {
  it('counts only working hours: Friday 16:00 to Monday 10:00 is two hours', () => {
    // 2026-11-27 is a Friday.
    expect(businessSeconds(at('2026-11-27T16:00:00Z'), at('2026-11-30T10:00:00Z'))).toBe(2 * 3600);
  });

  it('counts nothing outside the hours and a whole working day as eight hours', () => {
    expect(businessSeconds(at('2026-11-28T10:00:00Z'), at('2026-11-29T18:00:00Z'))).toBe(0);
    expect(businessSeconds(at('2026-11-30T00:00:00Z'), at('2026-12-01T00:00:00Z'))).toBe(8 * 3600);
  });

  it('counts long spans by whole weeks: four weeks are 160 hours', () => {
    expect(businessSeconds(at('2026-11-02T00:00:00Z'), at('2026-11-30T00:00:00Z'))).toBe(160 * 3600);
    expect(businessSeconds(at('2026-11-02T12:00:00Z'), at('2027-11-01T12:00:00Z'))).toBe(52 * 40 * 3600);
  });

  it('reads a calendar setting', () => {
    expect(parseCalendar('Mon-Fri 09:00-17:00')).toEqual({ days: [1, 2, 3, 4, 5], startMinute: 540, endMinute: 1020 });
    expect(parseCalendar('Mon,Wed,Sat 08:30-12:00')).toEqual({ days: [1, 3, 6], startMinute: 510, endMinute: 720 });
    expect(parseCalendar('Fri-Mon 09:00-17:00')).toBeNull();
    expect(parseCalendar('Mon-Fri 17:00-09:00')).toBeNull();
  });
});
