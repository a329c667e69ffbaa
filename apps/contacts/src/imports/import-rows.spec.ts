import { isEmail } from 'class-validator';
import { plainEmail } from './import-rows';

describe('the import quick email check', () => {
  it('accepts only addresses class-validator accepts (random addresses from a tricky alphabet)', () => {
    const alphabet = [
      'a',
      'Z',
      '0',
      '9',
      '.',
      '-',
      '_',
      '+',
      "'",
      '"',
      ' ',
      '@',
      'é',
      '(',
      ')',
      ',',
      ';',
      '[',
      '%',
      '~',
    ];
    let seed = 12345;
    const rnd = (n: number) => {
      seed = (seed * 1103515245 + 12345) % 2 ** 31;
      return seed % n;
    };
    const part = (max: number) => Array.from({ length: 1 + rnd(max) }, () => alphabet[rnd(alphabet.length)]).join('');
    let plain = 0;
    for (let i = 0; i < 200_000; i++) {
      const tlds = ['com', 'fr', 'c', '1a', 'co-uk', 'xn--p1ai', 'museum'];
      const address = `${part(8)}@${part(6)}.${tlds[rnd(tlds.length)]}`;
      if (plainEmail(address)) {
        plain += 1;
        expect([address, isEmail(address, {})]).toEqual([address, true]);
      }
    }
    expect(plain).toBeGreaterThan(100);
  });

  it('accepts the usual shapes and leaves the edges to isEmail', () => {
    for (const ok of ['ada@example.com', 'a.b+tag@mail.example.co.uk', "o'brien@x-y.org", 'x'.repeat(64) + '@ex.io'])
      expect(plainEmail(ok)).toBe(true);
    for (const other of [
      'a..b@example.com',
      '.a@example.com',
      'a@-example.com',
      'a@example',
      'a@example.c',
      'x'.repeat(65) + '@ex.io',
      'a@' + 'x'.repeat(64) + '.io',
      '"quoted"@example.com',
      'Ada <ada@example.com>',
    ])
      expect(plainEmail(other)).toBe(false);
  });
});
