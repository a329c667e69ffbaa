import { validationFailed } from '../errors/domain-error';

/**
 * The version an `If-Match` header asks for: `"3"`, `W/"3"` or `3` is 3; absent or `*` is any
 * (undefined). Anything else is a 400 naming the header.
 */
export function parseIfMatch(header: string | undefined, what = 'record'): number | undefined {
  if (header === undefined || header.trim() === '*') return undefined;
  const value = header.replace(/^W\//, '').replace(/"/g, '').trim();
  if (!/^\d{1,9}$/.test(value))
    throw validationFailed([{ field: 'If-Match', message: `must be the ${what} version, e.g. "3"` }]);
  return Number(value);
}
