import { matchesPattern, nestsRepetition, patternProblem } from './safe-pattern';

describe('custom field patterns', () => {
  it.each(['^(a+)+$', '(a*)*', '((ab)+)+', '(\\w+\\s?)*$', '(x{2,})+', '(a|aa)+b(c+){2,}'])(
    'calls %s a nested repetition',
    (p) => {
      expect(nestsRepetition(p)).toBe(true);
    },
  );

  it.each(['^[A-Z]{2}[0-9]{4}$', '^(ab)+$', '^\\d{3}(-\\d{4})?$', '[(a+)]+', '\\(a+\\)+', '^(a{1})+$'])(
    'lets %s through',
    (p) => {
      expect(nestsRepetition(p)).toBe(false);
    },
  );

  it('refuses what RE2 cannot run in linear time and names why', () => {
    expect(patternProblem('(a)\\1')).toContain('backreferences');
    expect(patternProblem('(?=a)b')).toContain('lookarounds');
    expect(patternProblem('^(a+)+$')).toContain('exponential');
    expect(patternProblem('^[a-z]{2,8}$')).toBeUndefined();
  });

  it('matches like RegExp.test: anywhere unless anchored', () => {
    expect(matchesPattern('ab', 'xxabyy')).toBe(true);
    expect(matchesPattern('^ab$', 'xxabyy')).toBe(false);
    expect(matchesPattern('^\\p{L}+$', 'Zoë')).toBe(true);
  });

  it('runs the evil pattern against a long input in linear time', () => {
    const started = performance.now();
    expect(matchesPattern('^(a+)+$', `${'a'.repeat(10_000)}!`)).toBe(false);
    expect(performance.now() - started).toBeLessThan(500);
  });
});
