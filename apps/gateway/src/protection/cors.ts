const ALLOWED_METHODS = 'GET, HEAD, POST, PUT, PATCH, DELETE';
const ALLOWED_HEADERS =
  'authorization, content-type, x-api-key, x-request-id, idempotency-key, if-match, if-none-match, traceparent, tracestate';
const EXPOSED_HEADERS = 'x-request-id, retry-after, location, etag, content-disposition';

export interface CorsRequest {
  origin?: string;
  method: string;
  /** access-control-request-method: present only on a preflight. */
  requestMethod?: string;
}

export interface CorsAnswer {
  headers: Record<string, string>;
  /** A preflight is answered by the gateway itself and goes no further. */
  preflight: boolean;
}

/**
 * CORS for the origins in CORS_ORIGINS (`*` allows any origin, without
 * credentials). An origin not listed gets no CORS headers, so browsers refuse it.
 */
export function cors(req: CorsRequest, allowed: readonly string[]): CorsAnswer {
  const preflight = req.method === 'OPTIONS' && req.requestMethod !== undefined;
  const headers: Record<string, string> = { vary: 'Origin' };
  if (!req.origin) return { headers, preflight };
  const any = allowed.includes('*');
  if (!any && !allowed.includes(req.origin)) return { headers, preflight };
  headers['access-control-allow-origin'] = any ? '*' : req.origin;
  if (preflight) {
    headers['access-control-allow-methods'] = ALLOWED_METHODS;
    headers['access-control-allow-headers'] = ALLOWED_HEADERS;
    headers['access-control-max-age'] = '600';
  } else {
    headers['access-control-expose-headers'] = EXPOSED_HEADERS;
  }
  return { headers, preflight };
}
