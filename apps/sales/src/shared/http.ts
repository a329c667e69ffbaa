import type { FastifyReply } from 'fastify';
import { validationFailed } from '@crm/platform';

/** `"3"`, `W/"3"` or `3` is version 3; `*` or no header writes unconditionally. */
export function parseIfMatch(header: string | undefined): number | undefined {
  if (header === undefined || header.trim() === '*') return undefined;
  const value = header.replace(/^W\//, '').replace(/"/g, '').trim();
  if (!/^\d{1,9}$/.test(value))
    throw validationFailed([{ field: 'If-Match', message: 'must be the version, e.g. "3"' }]);
  return Number(value);
}

/** Sets the ETag to the version of what is answered. */
export function withEtag<T extends { version: number }>(reply: FastifyReply, view: T): T {
  void reply.header('etag', `"${view.version}"`);
  return view;
}
