import { Injectable, Logger } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import { IsNull, LessThan, type DataSource, type FindOptionsWhere } from 'typeorm';
import { uuidv7 } from '@crm/persistence';
import { DomainError, grants, type Principal } from '@crm/platform';
import { decodeIdCursor, toPage } from '../paging/id-page';
import { ApiKey } from './api-key.entity';
import { generateApiKey, hashApiKey, isWellFormedApiKey } from './api-key-secret';

export interface ApiKeyView {
  id: string;
  name: string;
  prefix: string;
  scopes: string[];
  createdBy: string;
  createdAt: string;
  lastUsedAt: string | null;
  revokedAt: string | null;
}

interface CachedKey {
  principal: Principal;
  keyId: string;
  until: number;
}

const CACHE_MS = 5_000;
const CACHE_MAX = 10_000;
const LAST_USED_EVERY_MS = 60_000;

/** Machine clients' keys: made, listed and revoked by an admin; looked up by hash on each call. */
@Injectable()
export class ApiKeysService {
  private readonly logger = new Logger('ApiKeys');
  /** Recently seen keys, so a busy client does not cost a query per call; revoking here clears it. */
  private readonly cache = new Map<string, CachedKey>();
  private readonly lastUsedWritten = new Map<string, number>();

  constructor(@InjectDataSource() private readonly dataSource: DataSource) {}

  private get keys() {
    return this.dataSource.getRepository(ApiKey);
  }

  async create(input: { name: string; scopes: string[] }, creator: Principal): Promise<ApiKeyView & { key: string }> {
    const notHeld = input.scopes.filter((s) => !grants(creator.permissions, s));
    if (notHeld.length) {
      throw new DomainError('API_KEY_SCOPE_NOT_HELD', `A key cannot grant permissions its creator does not hold: ${notHeld.join(', ')}`, 'forbidden', {
        errors: notHeld.map((s) => ({ field: 'scopes', message: `you do not hold ${s}` })),
      });
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
    if (!found) throw new DomainError('API_KEY_NOT_FOUND', `There is no API key ${id}`, 'not_found');
    await this.keys.update({ id, revokedAt: IsNull() }, { revokedAt: new Date(), revokedBy: by.subject });
    for (const [hash, cached] of this.cache) if (cached.keyId === id) this.cache.delete(hash);
  }

  /** The caller a key stands for; undefined when the key is unknown or revoked. */
  async authenticate(key: string): Promise<Principal | undefined> {
    if (!isWellFormedApiKey(key)) return undefined;
    const hash = hashApiKey(key);
    const now = Date.now();
    const cached = this.cache.get(hash);
    if (cached && cached.until > now) {
      this.touch(cached.keyId, now);
      return cached.principal;
    }
    const row = await this.keys.findOneBy({ keyHash: hash, revokedAt: IsNull() });
    if (!row) {
      this.cache.delete(hash);
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
    this.cache.set(hash, { principal, keyId: row.id, until: now + CACHE_MS });
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
    revokedAt: k.revokedAt?.toISOString() ?? null,
  };
}
