/**
 * The Gauss hypergeometric function 2F1(a, b; c; z) for 0 <= z < 1, summed
 * from its power series until a term no longer changes the sum. The terms
 * decay like n^(a+b-c-1) z^n, so a z near 1 (a long horizon) needs many
 * terms but still converges; callers pick the Euler-transformed form when it
 * decays faster (see bg-nbd.ts).
 */
export function hyp2f1(a: number, b: number, c: number, z: number, maxTerms = 2_000_000): number {
  if (!(z >= 0 && z < 1)) throw new RangeError(`hyp2f1 needs 0 <= z < 1, got ${z}`);
  let term = 1;
  let sum = 1;
  for (let n = 0; n < maxTerms; n++) {
    const ratio = (((a + n) * (b + n)) / ((c + n) * (n + 1))) * z;
    term *= ratio;
    sum += term;
    // Once the terms shrink (|ratio| < 1, and it only falls towards z from here), stop when they stop mattering.
    if (Math.abs(term) <= 1e-16 * Math.abs(sum) && Math.abs(ratio) < 1) return sum;
    if (term === 0) return sum;
  }
  throw new RangeError(`hyp2f1(${a}, ${b}; ${c}; ${z}) did not converge in ${maxTerms} terms`);
}
