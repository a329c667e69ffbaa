import { quintileScores, RFM_SEGMENTS, scoreRfm, segmentFor, segmentSqlCase } from './rfm';

describe('RFM', () => {
  it('scores ten distinct values two to a quintile, 5 for the best', () => {
    const values = [10, 20, 30, 40, 50, 60, 70, 80, 90, 100];
    expect(quintileScores(values, true)).toEqual([1, 1, 2, 2, 3, 3, 4, 4, 5, 5]);
    // Recency: fewer days since the last purchase is better.
    expect(quintileScores(values, false)).toEqual([5, 5, 4, 4, 3, 3, 2, 2, 1, 1]);
  });

  it('gives tied values one score: the quintile of the last of them', () => {
    // Six of ten bought once: cume_dist 0.6, so they all score 3.
    expect(quintileScores([1, 1, 1, 1, 1, 1, 2, 2, 3, 9], true)).toEqual([3, 3, 3, 3, 3, 3, 4, 4, 5, 5]);
  });

  it('maps every R and F pair to exactly one named segment', () => {
    for (let r = 1; r <= 5; r++) for (let f = 1; f <= 5; f++) expect(RFM_SEGMENTS).toContain(segmentFor(r, f));
    expect(segmentFor(5, 5)).toBe('champions');
    expect(segmentFor(5, 1)).toBe('new');
    expect(segmentFor(1, 5)).toBe('cannot_lose');
    expect(segmentFor(2, 3)).toBe('at_risk');
    expect(segmentFor(1, 1)).toBe('hibernating');
    expect(segmentFor(3, 4)).toBe('loyal');
    expect(() => segmentFor(0, 3)).toThrow(RangeError);
    expect(segmentSqlCase('r', 'f')).toContain("WHEN r BETWEEN 5 AND 5 AND f BETWEEN 4 AND 5 THEN 'champions'");
  });

  it('scores a hand-made customer base', () => {
    const rows = [
      { customerId: 'a', recencyDays: 2, frequency: 12, monetaryMinor: 90000 },
      { customerId: 'b', recencyDays: 5, frequency: 1, monetaryMinor: 1500 },
      { customerId: 'c', recencyDays: 300, frequency: 9, monetaryMinor: 60000 },
      { customerId: 'd', recencyDays: 400, frequency: 1, monetaryMinor: 900 },
      { customerId: 'e', recencyDays: 60, frequency: 4, monetaryMinor: 12000 },
    ];
    const scored = scoreRfm(rows);
    expect(scored.map((s) => [s.customerId, s.r, s.f, s.m, s.segment])).toEqual([
      ['a', 5, 5, 5, 'champions'],
      ['b', 4, 2, 2, 'potential_loyalist'], // frequency 1 is tied for last two: cume_dist 0.4
      ['c', 2, 4, 4, 'at_risk'],
      ['d', 1, 2, 1, 'hibernating'],
      ['e', 3, 3, 3, 'need_attention'],
    ]);
  });
});
