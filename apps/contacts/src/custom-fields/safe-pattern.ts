import { RE2JS } from 're2js';

const compiled = new Map<string, RE2JS>();
const MAX_CACHED = 500;

/** A quantifier that repeats (`*`, `+`, `{n,}`, `{n,m}` with m > 1), starting at `i`; its length, or 0. */
function repeatingQuantifierAt(p: string, i: number): number {
  const c = p[i];
  if (c === '*' || c === '+') return 1;
  if (c !== '{') return 0;
  const m = /^\{(\d+)(,(\d*))?\}/.exec(p.slice(i));
  if (!m) return 0;
  const max = m[2] === undefined ? Number(m[1]) : m[3] === '' ? Infinity : Number(m[3]);
  return max > 1 ? m[0].length : 0;
}

/**
 * True when a repeated group contains a repetition, as in `^(a+)+$` or
 * `(\w*x?)*`: the shape that backtracks exponentially in JavaScript's engine.
 * We run patterns with RE2 (linear), but the console and other services may
 * run them with RegExp, so such patterns are refused when defined.
 */
export function nestsRepetition(p: string): boolean {
  const groups: boolean[] = [];
  let lastClosedRepeats = false;
  for (let i = 0; i < p.length; i++) {
    const c = p[i];
    if (c === '\\') {
      i++;
      lastClosedRepeats = false;
      continue;
    }
    if (c === '[') {
      // Skip a character class: `]` first in it is a literal.
      let j = i + 1;
      if (p[j] === '^') j++;
      if (p[j] === ']') j++;
      while (j < p.length && p[j] !== ']') j += p[j] === '\\' ? 2 : 1;
      i = j;
      lastClosedRepeats = false;
      continue;
    }
    if (c === '(') {
      groups.push(false);
      lastClosedRepeats = false;
      continue;
    }
    if (c === ')') {
      lastClosedRepeats = groups.pop() ?? false;
      if (lastClosedRepeats && groups.length) groups[groups.length - 1] = true;
      const q = repeatingQuantifierAt(p, i + 1);
      if (q && lastClosedRepeats) return true;
      if (q && groups.length) groups[groups.length - 1] = true;
      continue;
    }
    const q = repeatingQuantifierAt(p, i);
    if (q) {
      if (groups.length) groups[groups.length - 1] = true;
      i += q - 1;
    }
    lastClosedRepeats = false;
  }
  return false;
}

/** Why this pattern cannot be a custom field's pattern, or undefined when it can. */
export function patternProblem(pattern: string): string | undefined {
  try {
    RE2JS.compile(pattern);
  } catch {
    return 'is not a valid regular expression (RE2 syntax: no backreferences or lookarounds)';
  }
  if (nestsRepetition(pattern))
    return 'repeats a group that itself repeats (as in (a+)+), which can take exponential time';
  return undefined;
}

/** Tests a value against a pattern in linear time (RE2); `pattern` matches anywhere unless anchored, as RegExp.test. */
export function matchesPattern(pattern: string, value: string): boolean {
  let re = compiled.get(pattern);
  if (!re) {
    re = RE2JS.compile(pattern);
    if (compiled.size >= MAX_CACHED) compiled.clear();
    compiled.set(pattern, re);
  }
  return re.test(value);
}
