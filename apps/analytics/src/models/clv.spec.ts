import { conditionalExpectedPurchases } from './bg-nbd';
import { churnRisk, customerLifetimeValue } from './clv';

const CDNOW = { r: 0.243, alpha: 4.414, a: 0.793, b: 2.426 };
const EXAMPLE = { x: 2, tx: 30.43, T: 38.86 };

describe('customer lifetime value', () => {
  it('without discounting is the expected purchases over the horizon times the spend per transaction', () => {
    const clv = customerLifetimeValue(CDNOW, EXAMPLE, 40, { horizon: 39, unitDays: 7, annualDiscountRate: 0 });
    expect(clv).toBeCloseTo(1.226 * 40, 1);
  });

  it('discounting lowers it, by less than discounting everything by the whole horizon', () => {
    const plain = customerLifetimeValue(CDNOW, EXAMPLE, 40, { horizon: 39, unitDays: 7, annualDiscountRate: 0 });
    const discounted = customerLifetimeValue(CDNOW, EXAMPLE, 40, { horizon: 39, unitDays: 7, annualDiscountRate: 0.1 });
    expect(discounted).toBeLessThan(plain);
    expect(discounted).toBeGreaterThan(plain / Math.pow(1.1, (39 * 7) / 365.25));
  });

  it('is 0 over no horizon or without spend', () => {
    expect(customerLifetimeValue(CDNOW, EXAMPLE, 40, { horizon: 0, unitDays: 7, annualDiscountRate: 0 })).toBe(0);
    expect(customerLifetimeValue(CDNOW, EXAMPLE, 0, { horizon: 39, unitDays: 7, annualDiscountRate: 0 })).toBe(0);
  });

  it('rates a long-silent frequent buyer a higher churn risk than a recent one', () => {
    const silent = churnRisk(CDNOW, { x: 8, tx: 5, T: 38.86 }, 13);
    const recent = churnRisk(CDNOW, { x: 8, tx: 38, T: 38.86 }, 13);
    expect(silent).toBeGreaterThan(0.9);
    expect(recent).toBeLessThan(0.2);
    expect(conditionalExpectedPurchases(CDNOW, 8, 38, 38.86, 13)).toBeGreaterThan(1);
  });
});
