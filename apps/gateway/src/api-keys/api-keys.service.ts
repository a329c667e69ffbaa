import { Logger } from '@nestjs/common';
import { IsNull, LessThan, type DataSource, type FindOptionsWhere } from 'typeorm';
import { uuidv7 } from '@crm/persistence';
import { grants, validationFailed, type Principal } from '@crm/platform';
import { gatewayMetrics } from '../edge/gateway.metrics';
import { decodeIdCursor, toPage } from '../paging/id-page';
import { ApiKey } from './api-key.entity';
import type { RevocationBus } from './api-key-revocations';
import { unknownScopes } from './api-key-scopes';
import { generateApiKey, hashApiKey, isWellFormedApiKey } from './api-key-secret';
import { gatewayError } from '../shared/gateway-errors';

export interface ApiKeyView {
  id: string;
  name: string;
  prefix: string;
  scopes: string[];
  createdBy: string;
  createdAt: string;
  lastUsedAt: string | null;
  expiresAt: string | null;
  revokedAt: string | null;
}

export interface ApiKeysOptions {
  /** Areas a scope may name (see knownAreas). */
  areas: readonly string[];
  /** Tells the other replicas about a revocation at once; without it they see it when their cache expires. */
  revocations?: RevocationBus;
  now?: () => number;
}

export interface NewApiKey {
  name: string;
  scopes: string[];
  /** ISO 8601; the key stops working then. */
  expiresAt?: string;
}

interface CachedKey {
  principal: Principal;
  keyId: string;
  until: number;
}

const CACHE_MS = 5_000;
/** Unknown keys (guesses, revoked or expired keys) are remembered this long, so repeating one costs no query. */
const UNKNOWN_CACHE_MS = 10_000;
const CACHE_MAX = 10_000;
const LAST_USED_EVERY_MS = 60_000;

/**
 * Machine clients' keys: made, listed and revoked by an admin; looked up by
 * hash on a call whose key is not cached. Revoking clears the key from every
 * replica's cache at once over the revocation bus.
 */
export class ApiKeysService {
  private readonly logger = new Logger('ApiKeys');
  /** Recently seen keys, so a busy client does not cost a query per call; revoking clears it. */
  private readonly cache = new Map<string, CachedKey>();
  private readonly unknown = new Map<string, number>();
  private readonly lookups = new Map<string, Promise<Principal | undefined>>();
  private readonly lastUsedWritten = new Map<string, number>();
  private readonly now: () => number;

  constructor(
    private readonly dataSource: DataSource,
    private readonly options: ApiKeysOptions,
  ) {
    this.now = options.now ?? Date.now;
    options.revocations?.onRevoked((keyId) => this.forget(keyId));
  }

  private get keys() {
    return this.dataSource.getRepository(ApiKey);
  }

  async create(input: NewApiKey, creator: Principal): Promise<ApiKeyView & { key: string }> {
    const problems = unknownScopes(input.scopes, this.options.areas);
    const expiresAt = input.expiresAt === undefined ? null : new Date(input.expiresAt);
    if (expiresAt && !(expiresAt.getTime() > this.now()))
      problems.push({ field: 'expiresAt', message: 'must be in the future' });
    if (problems.length) throw validationFailed(problems);
    const notHeld = input.scopes.filter((s) => !grants(creator.permissions, s));
    if (notHeld.length) {
      throw gatewayError(
        'API_KEY_SCOPE_NOT_HELD',
        `A key cannot grant permissions its creator does not hold: ${notHeld.join(', ')}`,
        {
          errors: notHeld.map((s) => ({ field: 'scopes', message: `you do not hold ${s}` })),
        },
      );
    }
    const secret = generateApiKey();
    const row = this.keys.create({
      id: uuidv7(),
      name: input.name,
      prefix: secret.prefix,
      keyHash: secret.hash,
      scopes: [...new Set(input.scopes)],
      createdBy: creator.subject,
      lastUsedAt: null,
      expiresAt,
      revokedAt: null,
      revokedBy: null,
    });
    await this.keys.insert(row);
    const saved = await this.keys.findOneByOrFail({ id: row.id });
    return { ...toView(saved), key: secret.key };
  }

  async list(limit: number, cursor?: string): Promise<{ items: ApiKeyView[]; nextCursor: string | null }> {
    const where: FindOptionsWhere<ApiKey> = {};
    if (cursor !== undefined) where.id = LessThan(decodeIdCursor(cursor));
    const rows = await this.keys.find({ where, order: { id: 'DESC' }, take: limit + 1 });
    const page = toPage(rows, limit);
    return { items: page.items.map(toView), nextCursor: page.nextCursor };
  }

  async revoke(id: string, by: Principal): Promise<void> {
    const found = await this.keys.findOneBy({ id });
    if (!found) throw gatewayError('API_KEY_NOT_FOUND', `There is no API key ${id}`);
    await this.keys.update({ id, revokedAt: IsNull() }, { revokedAt: new Date(), revokedBy: by.subject });
    this.forget(id);
    this.options.revocations?.announce(id);
  }

  private forget(keyId: string): void {
    for (const [hash, cached] of this.cache) if (cached.keyId === keyId) this.cache.delete(hash);
  }

  /**
   * The caller a key stands for; undefined when the key is unknown, revoked or
   * expired. `beforeLookup` runs only when the database has to be asked (the
   * key is in neither cache), so the gateway can charge the client's address
   * first; it may throw to stop the lookup.
   */
  async authenticate(key: string, beforeLookup?: () => void): Promise<Principal | undefined> {
    if (!isWellFormedApiKey(key)) return undefined;
    const hash = hashApiKey(key);
    const now = this.now();
    const cached = this.cache.get(hash);
    if (cached && cached.until > now) {
      this.touch(cached.keyId, now);
      return cached.principal;
    }
    if ((this.unknown.get(hash) ?? 0) > now) return undefined;
    // Concurrent first calls with one key share one lookup (and one charge to the address).
    const pending = this.lookups.get(hash);
    if (pending) return pending;
    beforeLookup?.();
    const lookup = this.lookUp(hash, now).finally(() => this.lookups.delete(hash));
    this.lookups.set(hash, lookup);
    return lookup;
  }

  private async lookUp(hash: string, now: number): Promise<Principal | undefined> {
    gatewayMetrics.apiKeyLookups.inc();
    const row = await this.keys
      .createQueryBuilder('k')
      .where('k.key_hash = :hash AND k.revoked_at IS NULL AND (k.expires_at IS NULL OR k.expires_at > now())', { hash })
      .getOne();
    if (!row) {
      this.cache.delete(hash);
      if (this.unknown.size >= CACHE_MAX) this.unknown.clear();
      this.unknown.set(hash, now + UNKNOWN_CACHE_MS);
      return undefined;
    }
    const principal: Principal = {
      subject: `api-key:${row.id}`,
      name: row.name,
      roles: [],
      permissions: row.scopes,
      kind: 'api-key',
    };
    if (this.cache.size >= CACHE_MAX) this.cache.clear();
    // A key about to expire is not served from the cache past its expiry.
    const until = Math.min(now + CACHE_MS, row.expiresAt?.getTime() ?? Infinity);
    this.cache.set(hash, { principal, keyId: row.id, until });
    this.touch(row.id, now);
    return principal;
  }

  /** Records the last use at most once a minute per key, off the request's path. */
  private touch(keyId: string, now: number): void {
    const last = this.lastUsedWritten.get(keyId) ?? 0;
    if (now - last < LAST_USED_EVERY_MS) return;
    this.lastUsedWritten.set(keyId, now);
    this.keys
      .createQueryBuilder()
      .update()
      .set({ lastUsedAt: () => 'now()' })
      .where('id = :keyId', { keyId })
      .execute()
      .catch((error: Error) => this.logger.warn(`could not record the last use of key ${keyId}: ${error.message}`));
  }
}

function toView(k: ApiKey): ApiKeyView {
  return {
    id: k.id,
    name: k.name,
    prefix: k.prefix,
    scopes: k.scopes,
    createdBy: k.createdBy,
    createdAt: k.createdAt.toISOString(),
    lastUsedAt: k.lastUsedAt?.toISOString() ?? null,
    expiresAt: k.expiresAt?.toISOString() ?? null,
    revokedAt: k.revokedAt?.toISOString() ?? null,
  };
}
