import { ConfigError } from '@crm/platform';
import { RoutingTable } from '../routing/routing-table';

/** The gateway's own settings, on top of the platform's ServiceConfig (port, database, NATS, auth). */
export interface GatewaySettings {
  routes: RoutingTable;
  /** Largest request body forwarded to a service. */
  bodyLimitBytes: number;
  upstreamConnectTimeoutMs: number;
  /** How long a service may take to send its response headers. */
  upstreamTimeoutMs: number;
  /** Longest silence allowed while a body streams either way. */
  upstreamBodyTimeoutMs: number;
  /** Token buckets per credential kind; `address` is for callers without valid credentials, charged before any key lookup. */
  rateLimits: { user: RateLimit; apiKey: RateLimit; address: RateLimit };
  corsOrigins: string[];
  customer360TimeoutMs: number;
  searchTimeoutMs: number;
  openApiTimeoutMs: number;
  internalTokenTtlSeconds: number;
  /** Proxies in front of the gateway whose X-Forwarded-For entries are believed. */
  trustedProxyHops: number;
  /** On SIGTERM: how long requests in flight may take before their connections are cut. */
  shutdownDrainMs: number;
}

export interface RateLimit {
  perMinute: number;
  burst: number;
}

export const GATEWAY_SETTINGS = Symbol('crm:gateway-settings');

export type Problems = { variable: string; message: string }[];

/** A whole-number setting within bounds; a bad value is added to `problems` and the fallback used. */
export function int(
  env: NodeJS.ProcessEnv,
  problems: Problems,
  name: string,
  fallback: number,
  min: number,
  max: number,
): number {
  const raw = env[name];
  if (raw === undefined || raw.trim() === '') return fallback;
  const n = Number(raw);
  if (!Number.isInteger(n) || n < min || n > max) {
    problems.push({ variable: name, message: `must be a whole number from ${min} to ${max}, got "${raw}"` });
    return fallback;
  }
  return n;
}

function origins(raw: string | undefined, problems: Problems): string[] {
  const list = (raw ?? '')
    .split(',')
    .map((o) => o.trim())
    .filter(Boolean);
  for (const o of list) {
    if (o === '*') continue;
    let origin: string | undefined;
    try {
      origin = new URL(o).origin;
    } catch {
      origin = undefined;
    }
    if (origin !== o)
      problems.push({
        variable: 'CORS_ORIGINS',
        message: `entries must be bare origins like https://app.example.com, got "${o}"`,
      });
  }
  return list;
}

function routes(env: NodeJS.ProcessEnv, problems: Problems): RoutingTable {
  try {
    return RoutingTable.fromEnv(env);
  } catch (error) {
    const message = (error as Error).message;
    problems.push({ variable: /^[A-Z_]+/.exec(message)?.[0] ?? 'SERVICE_URLS', message });
    return new RoutingTable([]);
  }
}

/** Reads and checks the settings; every bad value is named in one ConfigError, which stops the start. */
export function loadGatewaySettings(env: NodeJS.ProcessEnv = process.env): GatewaySettings {
  const p: Problems = [];
  const limit = (prefix: string, perMinute: number, burst: number): RateLimit => {
    const rate = int(env, p, `${prefix}_PER_MINUTE`, perMinute, 1, 1_000_000_000);
    return { perMinute: rate, burst: int(env, p, `${prefix}_BURST`, Math.min(rate, burst), 1, 1_000_000_000) };
  };
  const settings: GatewaySettings = {
    routes: routes(env, p),
    bodyLimitBytes: int(env, p, 'BODY_LIMIT_BYTES', 10 * 1024 * 1024, 1, 2 ** 40),
    upstreamConnectTimeoutMs: int(env, p, 'UPSTREAM_CONNECT_TIMEOUT_MS', 2_000, 1, 600_000),
    upstreamTimeoutMs: int(env, p, 'UPSTREAM_TIMEOUT_MS', 30_000, 1, 3_600_000),
    upstreamBodyTimeoutMs: int(env, p, 'UPSTREAM_BODY_TIMEOUT_MS', 60_000, 1, 3_600_000),
    rateLimits: {
      user: limit('RATE_LIMIT', 1_200, 200),
      apiKey: limit('RATE_LIMIT_API_KEY', 6_000, 600),
      address: limit('RATE_LIMIT_ADDRESS', 300, 30),
    },
    corsOrigins: origins(env['CORS_ORIGINS'], p),
    customer360TimeoutMs: int(env, p, 'CUSTOMER360_TIMEOUT_MS', 1_500, 1, 60_000),
    searchTimeoutMs: int(env, p, 'SEARCH_TIMEOUT_MS', 1_500, 1, 60_000),
    openApiTimeoutMs: int(env, p, 'OPENAPI_TIMEOUT_MS', 2_000, 1, 60_000),
    internalTokenTtlSeconds: int(env, p, 'INTERNAL_TOKEN_TTL_SECONDS', 60, 10, 3_600),
    trustedProxyHops: int(env, p, 'TRUST_PROXY_HOPS', 0, 0, 10),
    shutdownDrainMs: int(env, p, 'SHUTDOWN_DRAIN_MS', 8_000, 0, 300_000),
  };
  if (p.length) throw new ConfigError(p);
  return settings;
}
