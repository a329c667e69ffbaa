import { signToken, type Principal } from '@crm/platform';

export interface InternalTokenOptions {
  /** INTERNAL_TOKEN_SECRET, else AUTH_JWT_SECRET. */
  secret: string;
  ttlSeconds?: number;
  now?: () => number;
}

interface Cached {
  token: string;
  expiresAt: number;
}

const MAX_CACHED = 10_000;

/**
 * Signs the short-lived token a service receives instead of the caller's
 * credentials: an internal token (its own type, issuer `crm-gateway`,
 * audience `crm-internal`, HS256 with the internal key) carrying the caller's
 * subject, roles and resolved permissions, so the service checks the caller
 * itself. The gateway refuses such tokens from clients. A token is reused
 * while it has more than half its life left.
 */
export class InternalTokenSigner {
  private readonly ttl: number;
  private readonly now: () => number;
  private readonly cache = new Map<string, Cached>();

  constructor(private readonly options: InternalTokenOptions) {
    this.ttl = options.ttlSeconds ?? 60;
    this.now = options.now ?? Date.now;
  }

  async tokenFor(principal: Principal): Promise<string> {
    const cacheKey = JSON.stringify([
      principal.kind,
      principal.subject,
      principal.name ?? null,
      principal.roles,
      principal.permissions,
    ]);
    const nowMs = this.now();
    const hit = this.cache.get(cacheKey);
    if (hit && hit.expiresAt - nowMs > (this.ttl * 1000) / 2) return hit.token;
    const iat = Math.floor(nowMs / 1000);
    const token = await signToken({
      secret: this.options.secret,
      subject: principal.subject,
      name: principal.name,
      roles: principal.roles,
      permissions: principal.permissions,
      kind: principal.kind,
      internal: true,
      issuedAt: iat,
      expiresInSeconds: this.ttl,
    });
    if (this.cache.size >= MAX_CACHED) this.cache.clear();
    this.cache.set(cacheKey, { token, expiresAt: (iat + this.ttl) * 1000 });
    return token;
  }
}
