import { expectedSpend, fitGammaGamma, gammaGammaLogLikelihood } from './gamma-gamma';
import { seededRandom, simulateGammaGamma } from './simulate';

/** Fader and Hardie's Gamma-Gamma fit to the CDNOW sample (spend in dollars). */
const CDNOW_SPEND = { p: 6.25, q: 3.74, v: 15.44 };

describe('Gamma-Gamma', () => {
  it('expects a spend between the population mean and the customer mean, nearer theirs the more they bought', () => {
    const population = expectedSpend(CDNOW_SPEND, 0, 0);
    expect(population).toBeCloseTo((6.25 * 15.44) / 2.74, 6);
    const few = expectedSpend(CDNOW_SPEND, 1, 100);
    const many = expectedSpend(CDNOW_SPEND, 20, 100);
    expect(few).toBeGreaterThan(population);
    expect(many).toBeGreaterThan(few);
    expect(many).toBeLessThan(100);
    // (p (v + x m)) / (p x + q - 1) by hand for x = 2, m = 50:
    expect(expectedSpend(CDNOW_SPEND, 2, 50)).toBeCloseTo((6.25 * (15.44 + 100)) / (12.5 + 2.74), 9);
  });

  it('computes the log-likelihood of one customer as the density formula does', () => {
    const { p, q, v } = { p: 2, q: 3, v: 10 };
    // x = 2, m = 5: Gamma(7)/(Gamma(4) Gamma(3)) v^3 m^3 x^4 / (v + x m)^7 = 720/12 * 1000 * 125 * 16 / 20^7
    const expected = Math.log((720 / 12) * 1000 * 125 * 16) - 7 * Math.log(20);
    expect(gammaGammaLogLikelihood({ p, q, v }, [{ x: 2, mean: 5 }])).toBeCloseTo(expected, 10);
  });

  it('fits spend simulated from known parameters back to them', () => {
    const rand = seededRandom(2013);
    const counts = Array.from({ length: 8000 }, () => 1 + Math.floor(-Math.log(1 - rand()) * 3));
    const data = simulateGammaGamma(CDNOW_SPEND, counts, rand);
    const fit = fitGammaGamma(data);
    expect(fit.customers).toBe(8000);
    expect(fit.logLikelihood).toBeGreaterThanOrEqual(gammaGammaLogLikelihood(CDNOW_SPEND, data));
    expect(Math.abs(fit.params.p / CDNOW_SPEND.p - 1)).toBeLessThan(0.15);
    expect(Math.abs(fit.params.q / CDNOW_SPEND.q - 1)).toBeLessThan(0.15);
    expect(Math.abs(fit.params.v / CDNOW_SPEND.v - 1)).toBeLessThan(0.2);
    expect(expectedSpend(fit.params, 0, 0) / expectedSpend(CDNOW_SPEND, 0, 0)).toBeCloseTo(1, 1);
  });
});
