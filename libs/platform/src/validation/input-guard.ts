import type { FieldProblem } from '../errors/domain-error';

/** Deeper than any DTO of the suite; far below what recursion in class-transformer survives. */
export const MAX_INPUT_DEPTH = 32;

// A high surrogate not followed by a low one, or a low one not preceded by a high one.
const LONE_SURROGATE = /[\uD800-\uDBFF](?![\uDC00-\uDFFF])|(?<![\uD800-\uDBFF])[\uDC00-\uDFFF]/;

/** What is wrong with a string no database or JSON column would store, if anything. */
export function unstorableText(text: string): string | undefined {
  if (text.includes('\u0000')) return 'must not contain NUL characters (\\u0000)';
  if (LONE_SURROGATE.test(text)) return 'must be valid Unicode (it holds a lone surrogate)';
  return undefined;
}

/**
 * Walks a parsed body, query or params without recursion and names the first
 * value that cannot be stored: a string (or key) with NUL or a lone
 * surrogate, or nesting deeper than MAX_INPUT_DEPTH. Fields are dotted paths
 * (`emails.0.address`), `root` when the value itself is the problem.
 */
export function findUnstorableInput(value: unknown, root: string): FieldProblem | undefined {
  const stack: { value: unknown; path: string; depth: number }[] = [{ value, path: '', depth: 0 }];
  while (stack.length) {
    const { value: v, path, depth } = stack.pop() as { value: unknown; path: string; depth: number };
    if (typeof v === 'string') {
      const problem = unstorableText(v);
      if (problem) return { field: path || root, message: problem };
      continue;
    }
    if (typeof v !== 'object' || v === null) continue;
    if (depth >= MAX_INPUT_DEPTH) {
      return { field: path.split('.')[0] || root, message: `nests deeper than ${MAX_INPUT_DEPTH} levels` };
    }
    const entries: [string, unknown][] = Array.isArray(v) ? v.map((x, i) => [String(i), x]) : Object.entries(v);
    for (const [key, child] of entries) {
      const childPath = path ? `${path}.${key}` : key;
      const keyProblem = unstorableText(key);
      if (keyProblem) return { field: path || root, message: `has a key that ${keyProblem}` };
      stack.push({ value: child, path: childPath, depth: depth + 1 });
    }
  }
  return undefined;
}
