import { localHour, quietUntil, type SendRule } from './send-rules';

const rule = (quiet_start: number | null, quiet_end: number | null): SendRule => ({
  channel: 'email',
  max_messages: 3,
  period_hours: 168,
  quiet_start,
  quiet_end,
});

describe('quiet hours in the contact time zone', () => {
  const noonUtc = new Date('2026-06-01T12:30:00Z');

  it('reads the local hour, unknown zones as UTC', () => {
    expect(localHour(noonUtc, 'Europe/Paris')).toBe(14);
    expect(localHour(noonUtc, 'Asia/Tokyo')).toBe(21);
    expect(localHour(noonUtc, 'Not/AZone')).toBe(12);
  });

  it('defers a message in quiet hours spanning midnight to their end, and lets others through', () => {
    expect(quietUntil(rule(21, 8), noonUtc, 'Europe/Paris')).toBeNull();
    const until = quietUntil(rule(21, 8), noonUtc, 'Asia/Tokyo');
    expect(until?.toISOString()).toBe('2026-06-01T23:00:00.000Z');
    expect(quietUntil(rule(null, null), noonUtc, 'Asia/Tokyo')).toBeNull();
    expect(quietUntil(rule(12, 13), noonUtc, null)?.toISOString()).toBe('2026-06-01T13:00:00.000Z');
  });
});
