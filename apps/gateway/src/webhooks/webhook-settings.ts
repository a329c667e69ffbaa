import { ConfigError } from '@crm/platform';
import { int, type Problems } from '../config/gateway-settings';
import { RoutingTable, SERVICES } from '../routing/routing-table';

export interface WebhookSettings {
  /** Producing services whose streams are read (default: every service the gateway routes to). */
  streams: string[];
  /** Per delivery attempt, connect to last byte. */
  timeoutMs: number;
  /** How long (seconds) a failing delivery is retried before it is dead-lettered (default 24 h). */
  retrySeconds: number;
  backoffBaseMs: number;
  backoffMaxMs: number;
  /** How long the previous secret still signs after a rotation. */
  secretGraceHours: number;
  /** Deliveries in flight at once, over all subscriptions (one per subscription and subject at a time). */
  concurrency: number;
  /** Deliveries of one subscription in flight at once (each a different subject). */
  subscriptionConcurrency: number;
  /** `host` or `host:port` allowed although private (e.g. an on-premises receiver). */
  allowedTargets: string[];
  /** Plain http targets allowed (local mode); https only otherwise. */
  allowHttp: boolean;
  /** Bytes of a receiver's answer kept on the delivery (the rest is read and dropped). */
  responseExcerptBytes: number;
  /** Fallback poll of the dispatcher; new deliveries wake it at once. */
  pollMs: number;
  /** The suite's own services (`host:port`), never a target unless allowed. */
  suiteHosts: string[];
}

function list(env: NodeJS.ProcessEnv, name: string): string[] | undefined {
  const raw = env[name]?.trim();
  return raw
    ? raw
        .split(',')
        .map((s) => s.trim())
        .filter(Boolean)
    : undefined;
}

function suiteHosts(env: NodeJS.ProcessEnv): string[] {
  try {
    return RoutingTable.fromEnv(env).services.map((s) => {
      const u = new URL(s.baseUrl);
      return `${u.hostname}:${u.port || (u.protocol === 'https:' ? '443' : '80')}`;
    });
  } catch {
    return []; // a bad SERVICE_URLS is reported by the gateway's own settings
  }
}

/** Reads the WEBHOOK_* settings; every bad value is named in one ConfigError, which stops the start. */
export function loadWebhookSettings(env: NodeJS.ProcessEnv = process.env): WebhookSettings {
  const p: Problems = [];
  const streams = list(env, 'WEBHOOK_STREAMS') ?? [...new Set(SERVICES.map((s) => s.name))];
  for (const s of streams)
    if (!/^[a-z][a-z0-9-]{0,40}$/.test(s))
      p.push({ variable: 'WEBHOOK_STREAMS', message: `entries must be service names, got "${s}"` });
  const allowedTargets = list(env, 'WEBHOOK_ALLOWED_TARGETS') ?? [];
  for (const t of allowedTargets)
    if (!/^(\[[0-9a-f:.]+\]|[A-Za-z0-9.-]+)(:\d{1,5})?$/.test(t))
      p.push({ variable: 'WEBHOOK_ALLOWED_TARGETS', message: `entries must be host or host:port, got "${t}"` });
  const allowHttpRaw = env['WEBHOOK_ALLOW_HTTP']?.trim().toLowerCase() ?? 'false';
  if (!['true', 'false'].includes(allowHttpRaw))
    p.push({ variable: 'WEBHOOK_ALLOW_HTTP', message: `must be true or false, got "${allowHttpRaw}"` });
  const settings: WebhookSettings = {
    streams,
    timeoutMs: int(env, p, 'WEBHOOK_TIMEOUT_MS', 10_000, 100, 120_000),
    retrySeconds: int(env, p, 'WEBHOOK_RETRY_SECONDS', 86_400, 0, 30 * 86_400),
    backoffBaseMs: int(env, p, 'WEBHOOK_BACKOFF_BASE_MS', 1_000, 1, 3_600_000),
    backoffMaxMs: int(env, p, 'WEBHOOK_BACKOFF_MAX_MS', 3_600_000, 1, 86_400_000),
    secretGraceHours: int(env, p, 'WEBHOOK_SECRET_GRACE_HOURS', 24, 0, 24 * 30),
    concurrency: int(env, p, 'WEBHOOK_CONCURRENCY', 128, 1, 1000),
    subscriptionConcurrency: int(env, p, 'WEBHOOK_SUBSCRIPTION_CONCURRENCY', 32, 1, 1000),
    allowedTargets,
    allowHttp: allowHttpRaw === 'true',
    responseExcerptBytes: int(env, p, 'WEBHOOK_RESPONSE_EXCERPT_BYTES', 512, 0, 65_536),
    pollMs: int(env, p, 'WEBHOOK_POLL_MS', 1_000, 10, 60_000),
    suiteHosts: suiteHosts(env),
  };
  if (p.length) throw new ConfigError(p);
  return settings;
}
