import { pointsFor, tierFor } from './loyalty-rules';

describe('loyalty rules', () => {
  it('earns points per whole currency unit, with category and tier multipliers, rounded down', () => {
    expect(pointsFor([{ netMinor: 12_345, category: null }], 2, 1, {}, 1)).toBe(123);
    expect(pointsFor([{ netMinor: 10_000, category: 'shoes' }], 2, 1, { shoes: 2 }, 1.5)).toBe(300);
    expect(pointsFor([{ netMinor: 1000, category: null }], 0, 0.1, {}, 1)).toBe(100);
    expect(pointsFor([{ netMinor: -500, category: null }], 2, 1, {}, 1)).toBe(0);
  });

  it('picks the highest tier reached', () => {
    const tiers = [
      { name: 'silver', threshold: 100, multiplier: 1.2 },
      { name: 'gold', threshold: 500, multiplier: 1.5 },
    ];
    expect(tierFor(tiers, 99)).toBeNull();
    expect(tierFor(tiers, 100)?.name).toBe('silver');
    expect(tierFor(tiers, 900)?.name).toBe('gold');
  });
});
