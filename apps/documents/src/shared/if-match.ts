import { validationFailed } from '@crm/platform';

/** `"3"`, `W/"3"` or `3` is version 3; `*` or no header matches any version. */
export function parseIfMatch(header: string | undefined): number | undefined {
  if (header === undefined || header.trim() === '*') return undefined;
  const value = header.replace(/^W\//, '').replace(/"/g, '').trim();
  if (!/^\d{1,9}$/.test(value)) {
    throw validationFailed([{ field: 'If-Match', message: 'must be the document version, e.g. "3"' }]);
  }
  return Number(value);
}
