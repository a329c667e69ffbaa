import { createHmac, createSecretKey, randomBytes, type KeyObject } from 'node:crypto';
import { grants } from '@crm/platform';

/** A pattern: `*` (every event), or dot-separated segments where `*` is one segment and a last `>` the rest. */
const PATTERN = /^(\*|[a-z0-9-]+(\.(\*|[a-z0-9-]+))*(\.>)?)$/;

export function isPattern(p: string): boolean {
  return p.length <= 200 && PATTERN.test(p);
}

export function matchesPattern(type: string, pattern: string): boolean {
  if (pattern === '*' || pattern === '>') return true;
  const want = pattern.split('.');
  const have = type.split('.');
  for (let i = 0; i < want.length; i++) {
    if (want[i] === '>') return have.length > i;
    if (i >= have.length) return false;
    if (want[i] !== '*' && want[i] !== have[i]) return false;
  }
  return want.length === have.length;
}

export type FilterValue = string | number | boolean | null;
/** Field path (dotted, into the CloudEvent, e.g. `data.channel`) to a value, or to a list of values (any of). */
export type EventFilter = Record<string, FilterValue | FilterValue[]>;

function at(event: unknown, path: string): unknown {
  let v: unknown = event;
  for (const key of path.split('.')) {
    if (v === null || typeof v !== 'object' || !Object.prototype.hasOwnProperty.call(v, key)) return undefined;
    v = (v as Record<string, unknown>)[key];
  }
  return v;
}

export function matchesFilter(event: unknown, filter: EventFilter): boolean {
  return Object.entries(filter).every(([path, want]) => {
    const have = at(event, path);
    return Array.isArray(want) ? want.some((w) => w === have) : want === have;
  });
}

/** The service an event type belongs to (`crm.<service>.…`), whose read permission the owner needs. */
export function serviceOf(type: string): string | undefined {
  const [prefix, service] = type.split('.');
  return prefix === 'crm' && service ? service : undefined;
}

/** Whether the subscription's owner may read this event: `<service>:read` of the event's service. */
export function ownerMayRead(ownerPermissions: readonly string[], type: string): boolean {
  const service = serviceOf(type);
  return service !== undefined && grants(ownerPermissions, `${service}:read`);
}

export function newSecret(): string {
  return `whsec_${randomBytes(32).toString('base64url')}`;
}

/** Secrets as key objects, made once each (the dispatcher signs every attempt with one or two). */
const keys = new Map<string, KeyObject>();

function keyOf(secret: string): KeyObject {
  let key = keys.get(secret);
  if (!key) {
    if (keys.size >= 10_000) keys.clear();
    key = createSecretKey(Buffer.from(secret, 'utf8'));
    keys.set(secret, key);
  }
  return key;
}

/** Hex HMAC-SHA256 of `<timestamp>.<body>` with the secret (as its UTF-8 bytes). */
export function signature(secret: string, timestamp: number, body: string): string {
  return createHmac('sha256', keyOf(secret)).update(`${timestamp}.${body}`).digest('hex');
}

/** `t=<unix seconds>,v1=<hex>[,v1=<hex with the previous secret during its grace period>]` */
export function signatureHeader(secrets: readonly string[], timestamp: number, body: string): string {
  return [`t=${timestamp}`, ...secrets.map((s) => `v1=${signature(s, timestamp, body)}`)].join(',');
}

/**
 * Next try after `attempts` failures: exponential from `baseMs`, capped at `maxMs`, with jitter
 * (a random 50-100% of it) so receivers coming back are not hit by every sender at once.
 */
export function backoffMs(attempts: number, baseMs: number, maxMs: number, random = Math.random): number {
  const exp = Math.min(maxMs, baseMs * 2 ** Math.max(0, attempts - 1));
  return Math.round(exp * (0.5 + random() * 0.5));
}
