import type { IncomingHttpHeaders } from 'node:http';

/**
 * The header a proxy in front of the service (the gateway) sets to the path
 * prefix it strips or adds, e.g. `/api/v1`, so problems and `Location` name
 * the path the client used.
 */
export const FORWARDED_PREFIX_HEADER = 'x-forwarded-prefix';
const SANE_PREFIX = /^(\/[A-Za-z0-9._~-]{1,64}){1,4}$/;

/** The prefix the client sees before the service's own paths; '' when there is none or it looks wrong. */
export function forwardedPrefix(headers: IncomingHttpHeaders): string {
  const raw = headers[FORWARDED_PREFIX_HEADER];
  const value = Array.isArray(raw) ? raw[0] : raw;
  return typeof value === 'string' && SANE_PREFIX.test(value) ? value : '';
}

/** The path of this request as the client wrote it (no query string). */
export function clientPath(request: { url: string; headers: IncomingHttpHeaders }): string {
  return forwardedPrefix(request.headers) + request.url.split('?')[0];
}
