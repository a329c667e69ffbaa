import type { IncomingHttpHeaders } from 'node:http';
import { isGatewayOwnedHeader } from '../protection/security-headers';

type Headers = Record<string, string | string[]>;

/** RFC 9110 §7.6.1 connection-specific fields, never forwarded by a proxy. */
const HOP_BY_HOP = new Set([
  'connection',
  'keep-alive',
  'proxy-connection',
  'proxy-authenticate',
  'proxy-authorization',
  'te',
  'trailer',
  'transfer-encoding',
  'upgrade',
]);

/**
 * Request fields the gateway replaces or keeps to itself: the client's
 * credentials (services get the internal token instead), cookies (no service
 * uses them), the host, `expect`, and the forwarding fields it sets itself.
 */
const NOT_FORWARDED = new Set([
  'host',
  'authorization',
  'x-api-key',
  'cookie',
  'expect',
  'forwarded',
  'x-forwarded-for',
  'x-forwarded-host',
  'x-forwarded-proto',
  'x-forwarded-prefix',
  'x-request-id',
]);

/** Response fields the gateway sets itself. */
const NOT_RETURNED = new Set(['x-request-id', 'server', 'x-powered-by']);

function connectionListed(headers: IncomingHttpHeaders): Set<string> {
  const raw = headers['connection'];
  const value = Array.isArray(raw) ? raw.join(',') : (raw ?? '');
  return new Set(
    value
      .split(',')
      .map((t) => t.trim().toLowerCase())
      .filter(Boolean),
  );
}

function copy(headers: IncomingHttpHeaders, skip: Set<string>): Headers {
  const listed = connectionListed(headers);
  const out: Headers = {};
  for (const [name, value] of Object.entries(headers)) {
    if (value === undefined || HOP_BY_HOP.has(name) || listed.has(name) || skip.has(name)) continue;
    out[name] = value;
  }
  return out;
}

export interface ForwardingContext {
  /** The caller's identity for the service; none for a public path. */
  internalToken?: string;
  requestId: string;
  /** The trusted X-Forwarded-For chain, ending with the gateway's peer. */
  forwardedFor: string;
  /** Host and scheme the client used. */
  host?: string;
  protocol: string;
  /** The path prefix the client used in front of the service's own paths (`/api/v1`), for problem `instance` and `Location`. */
  prefix?: string;
  /** traceparent/tracestate of the gateway's span, when tracing is on. */
  trace?: Record<string, string>;
}

export function upstreamRequestHeaders(incoming: IncomingHttpHeaders, ctx: ForwardingContext): Headers {
  const out = copy(incoming, NOT_FORWARDED);
  out['x-forwarded-for'] = ctx.forwardedFor;
  out['x-forwarded-proto'] = ctx.protocol;
  if (ctx.host) out['x-forwarded-host'] = ctx.host;
  if (ctx.prefix) out['x-forwarded-prefix'] = ctx.prefix;
  out['x-request-id'] = ctx.requestId;
  if (ctx.internalToken) out['authorization'] = `Bearer ${ctx.internalToken}`;
  Object.assign(out, ctx.trace ?? {});
  return out;
}

/**
 * The service's response fields the client gets: not hop-by-hop ones, and
 * none of the security and CORS fields the gateway sets itself (those win).
 * `Vary` is merged with the gateway's own (`Origin`), not replaced.
 */
export function downstreamResponseHeaders(upstream: IncomingHttpHeaders, gatewayVary?: string): Headers {
  const out = copy(upstream, NOT_RETURNED);
  for (const name of Object.keys(out)) if (isGatewayOwnedHeader(name)) delete out[name];
  if (out['vary'] !== undefined && gatewayVary) {
    const tokens = [gatewayVary, ...[out['vary']].flat()].flatMap((v) => v.split(',')).map((t) => t.trim());
    const merged = new Map<string, string>();
    for (const t of tokens) if (t && !merged.has(t.toLowerCase())) merged.set(t.toLowerCase(), t);
    out['vary'] = [...merged.values()].join(', ');
  }
  return out;
}
