import { hyp2f1 } from './hyp2f1';

describe('hyp2f1', () => {
  it('matches the closed forms 2F1(1,1;2;z) = -ln(1-z)/z and 2F1(a,b;b;z) = (1-z)^-a, also near z = 1', () => {
    for (const z of [0.1, 0.5, 0.9, 0.99]) {
      expect(hyp2f1(1, 1, 2, z)).toBeCloseTo(-Math.log(1 - z) / z, 10);
      expect(hyp2f1(0.7, 3.2, 3.2, z)).toBeCloseTo(Math.pow(1 - z, -0.7), 8);
    }
  });

  it('is a polynomial when a is a non-positive integer: 2F1(-2,b;c;z) = 1 - 2bz/c + b(b+1)z^2/(c(c+1))', () => {
    const [b, c, z] = [1.5, 2.5, 0.4];
    expect(hyp2f1(-2, b, c, z)).toBeCloseTo(1 - (2 * b * z) / c + (b * (b + 1) * z * z) / (c * (c + 1)), 12);
  });

  it('refuses z outside [0, 1)', () => {
    expect(() => hyp2f1(1, 1, 2, 1)).toThrow(RangeError);
    expect(() => hyp2f1(1, 1, 2, -0.1)).toThrow(RangeError);
  });
});
