import {
  BgNbdData,
  bgNbdLogLikelihood,
  conditionalExpectedPurchases,
  expectedPurchases,
  fitBgNbd,
  pAlive,
} from './bg-nbd';
import { hyp2f1 } from './hyp2f1';
import { seededRandom, simulateBgNbd } from './simulate';

/** Fader, Hardie and Lee (2005), fitted to the CDNOW sample (2,357 customers, weeks). */
const CDNOW = { r: 0.243, alpha: 4.414, a: 0.793, b: 2.426 };

describe('BG/NBD', () => {
  it("reproduces the paper's worked example: x=2, t_x=30.43, T=38.86 expects 1.226 purchases in the next 39 weeks", () => {
    expect(conditionalExpectedPurchases(CDNOW, 2, 30.43, 38.86, 39)).toBeCloseTo(1.226, 3);
  });

  it('gives P(alive) from its closed form, and 1 to a customer without a repeat purchase', () => {
    // 1 / (1 + a/(b+x-1) * ((alpha+T)/(alpha+t_x))^(r+x)) = 1 / (1 + 0.23147 * 1.24194^2.243) = 1 / 1.37632
    expect(pAlive(CDNOW, 2, 30.43, 38.86)).toBeCloseTo(0.72658, 4);
    expect(pAlive(CDNOW, 0, 0, 38.86)).toBe(1);
    // The longer the silence since the last purchase, the less likely the customer is alive.
    expect(pAlive(CDNOW, 5, 10, 38.86)).toBeLessThan(pAlive(CDNOW, 5, 35, 38.86));
  });

  it('takes the same value through the direct and the Euler-transformed series', () => {
    const { r, alpha, a, b } = CDNOW;
    for (const [x, T, t] of [
      [0, 30, 39],
      [3, 30, 52],
      [40, 38, 104],
    ]) {
      const z = t / (alpha + T + t);
      const c = a + b + x - 1;
      const direct = Math.pow(1 - z, r + x) * hyp2f1(r + x, b + x, c, z);
      const euler = Math.pow(1 - z, a - 1) * hyp2f1(a + b - 1 - r, a - 1, c, z);
      expect(euler).toBeCloseTo(direct, 10);
    }
  });

  it('stays finite and increasing over long horizons and for heavy buyers', () => {
    let previous = 0;
    for (const t of [39, 520, 5200, 52000]) {
      const e = conditionalExpectedPurchases(CDNOW, 60, 38, 38.86, t);
      expect(Number.isFinite(e)).toBe(true);
      expect(e).toBeGreaterThan(previous);
      previous = e;
    }
    expect(expectedPurchases(CDNOW, 78)).toBeGreaterThan(expectedPurchases(CDNOW, 39));
  });

  it('computes the log-likelihood of one customer as the formula does, and of grouped data as the sum', () => {
    const { r, alpha, a, b } = { r: 0.5, alpha: 3, a: 2, b: 4 };
    // x = 1, t_x = 2, T = 5, by hand with Gamma(1.5) = sqrt(pi)/2, B(2,5)/B(2,4) = 4/6, a/(b+x-1) = 1/2:
    const expected = Math.log(
      ((0.5 * 1) / 1) * // Gamma(r+x)/Gamma(r) = r for x = 1
        Math.pow(alpha, r) *
        (4 / 6) *
        (Math.pow(alpha + 5, -(r + 1)) + 0.5 * Math.pow(alpha + 2, -(r + 1))),
    );
    const one = BgNbdData.from([{ x: 1, tx: 2, T: 5 }]);
    expect(bgNbdLogLikelihood({ r, alpha, a, b }, one)).toBeCloseTo(expected, 10);
    const grouped = BgNbdData.from([
      { x: 1, tx: 2, T: 5, count: 3 },
      { x: 0, tx: 0, T: 5 },
    ]);
    const zero = bgNbdLogLikelihood({ r, alpha, a, b }, BgNbdData.from([{ x: 0, tx: 0, T: 5 }]));
    expect(bgNbdLogLikelihood({ r, alpha, a, b }, grouped)).toBeCloseTo(3 * expected + zero, 9);
    expect(grouped).toMatchObject({ customers: 4, repeatCustomers: 3, repeatTransactions: 3, points: 2 });
  });

  it('refuses a history that cannot be (t_x after T, a last purchase without a repeat one)', () => {
    expect(() => BgNbdData.from([{ x: 1, tx: 6, T: 5 }])).toThrow(RangeError);
    expect(() => BgNbdData.from([{ x: 0, tx: 1, T: 5 }])).toThrow(RangeError);
  });

  it("fits data simulated from the paper's parameters back to them", () => {
    const rand = seededRandom(20050101);
    // A CDNOW-like panel: first purchases spread over 12 weeks, calibration 27-39 weeks long, times kept to the day.
    const ages = Array.from({ length: 20000 }, () => Math.round((27 + 12 * rand()) * 7) / 7);
    const histories = simulateBgNbd(CDNOW, ages, rand).map((h) => ({ ...h, tx: Math.round(h.tx * 7) / 7 }));
    const data = BgNbdData.from(histories.map((h) => ({ ...h, T: Math.max(h.T, h.tx) })));
    const fit = fitBgNbd(data);
    expect(fit.logLikelihood).toBeGreaterThanOrEqual(bgNbdLogLikelihood(CDNOW, data));
    expect(fit.params.r).toBeCloseTo(CDNOW.r, 1);
    expect(Math.abs(fit.params.alpha / CDNOW.alpha - 1)).toBeLessThan(0.2);
    expect(Math.abs(fit.params.a / CDNOW.a - 1)).toBeLessThan(0.25);
    expect(Math.abs(fit.params.b / CDNOW.b - 1)).toBeLessThan(0.25);
    // What the fit is for: the forecast agrees with the true model's.
    expect(expectedPurchases(fit.params, 39) / expectedPurchases(CDNOW, 39)).toBeCloseTo(1, 1);
  });
});
