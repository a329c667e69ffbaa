import { describe, expect, it } from 'vitest';
import { allowedMatrix, asIso, auditQuery, hoursWords, minutesWords, npsShares } from './admin';

describe('hoursWords', () => {
  it('names a run of weekdays as a range and other days one by one, per span', () => {
    const week = [1, 2, 3, 4, 5].map((day) => ({ day, start: '09:00', end: '18:00' }));
    expect(hoursWords(week)).toBe('Mon–Fri 09:00–18:00');
    expect(hoursWords([...week, { day: 6, start: '10:00', end: '14:00' }])).toBe(
      'Mon–Fri 09:00–18:00; Sat 10:00–14:00',
    );
    expect(hoursWords([1, 3].map((day) => ({ day, start: '08:00', end: '12:00' })))).toBe('Mon, Wed 08:00–12:00');
    expect(hoursWords([])).toBe('');
  });
});

describe('minutesWords', () => {
  it('reads business minutes as hours and minutes', () => {
    expect(minutesWords(30)).toBe('30 min');
    expect(minutesWords(240)).toBe('4 h');
    expect(minutesWords(150)).toBe('2 h 30 min');
    expect(minutesWords(null)).toBe('—');
  });
});

describe('allowedMatrix', () => {
  it("follows the platform's wildcards", () => {
    const row = (perms: string[], area: string) => allowedMatrix(perms).find((r) => r.area === area)?.allowed;
    expect(row(['*'], 'gateway')).toEqual({ read: true, write: true, admin: true });
    expect(row(['*:read'], 'sales')).toEqual({ read: true, write: false, admin: false });
    expect(row(['sales:*'], 'sales')).toEqual({ read: true, write: true, admin: true });
    expect(row(['sales:read', 'sales:write'], 'support')).toEqual({ read: false, write: false, admin: false });
  });
});

describe('auditQuery', () => {
  it('keeps the filters given, trimmed, and nothing for empty ones', () => {
    expect(auditQuery('?subject=%20local-ada%20&since=')).toEqual({ subject: 'local-ada' });
    expect(auditQuery('')).toEqual({});
    expect(asIso('2026-12-02T10:30')).toBe(new Date('2026-12-02T10:30').toISOString());
    expect(asIso('tomorrow')).toBe('tomorrow');
  });
});

describe('npsShares', () => {
  it('gives each group its share of the answers, nothing without answers', () => {
    expect(npsShares({ responses: 4, promoters: 2, passives: 1, detractors: 1 })).toEqual({
      promoters: 50,
      passives: 25,
      detractors: 25,
    });
    expect(npsShares({ responses: 0, promoters: 0, passives: 0, detractors: 0 })).toEqual({
      promoters: 0,
      passives: 0,
      detractors: 0,
    });
  });
});
