import { DataSource } from 'typeorm';
import { createTestDatabase, postgresOptions, runMigrations, type TestDatabase } from '@crm/persistence';
import { DomainError, type Principal } from '@crm/platform';
import { entities, migrations } from '../app.module';
import { NatsRevocationBus } from './api-key-revocations';
import { knownAreas } from './api-key-scopes';
import { ApiKeysService } from './api-keys.service';
import { hashApiKey } from './api-key-secret';

const NATS_URL = process.env['NATS_URL'] ?? 'nats://127.0.0.1:4222';
const areas = knownAreas(['contacts', 'analytics']);

const admin: Principal = { subject: 'ada', roles: ['admin'], permissions: ['*'], kind: 'user' };

describe('ApiKeysService on Postgres', () => {
  let db: TestDatabase;
  let dataSource: DataSource;
  let keys: ApiKeysService;

  beforeAll(async () => {
    db = await createTestDatabase('gw_keys');
    const options = postgresOptions({ url: db.url, entities, migrations });
    await runMigrations(options);
    dataSource = await new DataSource(options).initialize();
    keys = new ApiKeysService(dataSource, { areas });
  });

  afterAll(async () => {
    await dataSource?.destroy();
    await db?.drop();
  });

  const lastUsed = async (id: string): Promise<Date | null> =>
    (
      (await dataSource.query('SELECT last_used_at FROM api_keys WHERE id = $1', [id])) as {
        last_used_at: Date | null;
      }[]
    )[0].last_used_at;

  it('stores only the hash, and the key stands for a caller with exactly its scopes', async () => {
    const made = await keys.create({ name: 'export', scopes: ['contacts:read', 'contacts:read'] }, admin);
    const [row] = (await dataSource.query('SELECT * FROM api_keys WHERE id = $1', [made.id])) as Record<
      string,
      unknown
    >[];
    expect(row['key_hash']).toBe(hashApiKey(made.key));
    expect(JSON.stringify(row)).not.toContain(made.key);
    expect(await keys.authenticate(made.key)).toEqual({
      subject: `api-key:${made.id}`,
      name: 'export',
      roles: [],
      permissions: ['contacts:read'],
      kind: 'api-key',
    });
  });

  it('knows nothing of a key it did not make', async () => {
    expect(await keys.authenticate(`crm_${'A'.repeat(43)}`)).toBeUndefined();
    expect(await keys.authenticate('Bearer something')).toBeUndefined();
  });

  it('stops a revoked key at once in the replica that revoked it and in any replica without it cached', async () => {
    const made = await keys.create({ name: 'temp', scopes: ['analytics:read'] }, admin);
    expect(await keys.authenticate(made.key)).toBeDefined();
    await keys.revoke(made.id, admin);
    expect(await keys.authenticate(made.key)).toBeUndefined();
    expect(await new ApiKeysService(dataSource, { areas }).authenticate(made.key)).toBeUndefined();
    const [row] = (await dataSource.query('SELECT revoked_at, revoked_by FROM api_keys WHERE id = $1', [
      made.id,
    ])) as Record<string, unknown>[];
    expect(row['revoked_by']).toBe('ada');
    expect(row['revoked_at']).toBeInstanceOf(Date);
  });

  it('records the last use at most once a minute', async () => {
    const made = await keys.create({ name: 'busy', scopes: ['contacts:read'] }, admin);
    expect(await lastUsed(made.id)).toBeNull();
    await keys.authenticate(made.key);
    const deadline = Date.now() + 5000;
    while (!(await lastUsed(made.id)) && Date.now() < deadline) await new Promise((r) => setTimeout(r, 50));
    const first = await lastUsed(made.id);
    expect(first).toBeInstanceOf(Date);
    for (let i = 0; i < 5; i++) await keys.authenticate(made.key);
    await new Promise((r) => setTimeout(r, 300));
    expect(await lastUsed(made.id)).toEqual(first);
  });

  it('refuses to grant a permission its creator does not hold', async () => {
    const limited: Principal = {
      subject: 'lim',
      roles: [],
      permissions: ['gateway:admin', 'contacts:*'],
      kind: 'user',
    };
    await expect(keys.create({ name: 'ok', scopes: ['contacts:write'] }, limited)).resolves.toBeDefined();
    await expect(keys.create({ name: 'no', scopes: ['analytics:read'] }, limited)).rejects.toMatchObject({
      code: 'API_KEY_SCOPE_NOT_HELD',
      kind: 'forbidden',
    });
    await expect(keys.create({ name: 'no', scopes: ['*'] }, limited)).rejects.toBeInstanceOf(DomainError);
  });

  it('lists keys newest first, page by page', async () => {
    const seen: string[] = [];
    let cursor: string | undefined;
    for (;;) {
      const page = await keys.list(2, cursor);
      seen.push(...page.items.map((k) => k.id));
      if (!page.nextCursor) break;
      cursor = page.nextCursor;
    }
    const all = ((await dataSource.query('SELECT id FROM api_keys ORDER BY id DESC')) as { id: string }[]).map(
      (r) => r.id,
    );
    expect(seen).toEqual(all);
    await expect(keys.revoke('01900000-0000-7000-8000-000000000000', admin)).rejects.toMatchObject({
      code: 'API_KEY_NOT_FOUND',
    });
  });

  it('refuses scopes that are no known permission, naming each by its index, and stores nothing', async () => {
    const before = ((await dataSource.query('SELECT count(*)::int AS n FROM api_keys')) as { n: number }[])[0].n;
    const error = await keys
      .create({ name: 'bad', scopes: ['contacts:read', 'nonsense:perm', 'contacts:delete'] }, admin)
      .catch((e: unknown) => e);
    expect(error).toMatchObject({ code: 'VALIDATION_FAILED', status: 400 });
    expect((error as DomainError).extra.errors?.map((e) => e.field)).toEqual(['scopes[1]', 'scopes[2]']);
    expect(((await dataSource.query('SELECT count(*)::int AS n FROM api_keys')) as { n: number }[])[0].n).toBe(before);
  });

  it('makes keys that expire: refused once past expiresAt, and never with an expiry in the past', async () => {
    let now = Date.now();
    const clocked = new ApiKeysService(dataSource, { areas, now: () => now });
    await expect(
      clocked.create({ name: 'old', scopes: ['contacts:read'], expiresAt: new Date(now - 1000).toISOString() }, admin),
    ).rejects.toMatchObject({
      code: 'VALIDATION_FAILED',
      extra: { errors: [{ field: 'expiresAt', message: 'must be in the future' }] },
    });
    const made = await clocked.create(
      { name: 'brief', scopes: ['contacts:read'], expiresAt: new Date(now + 1500).toISOString() },
      admin,
    );
    expect(made.expiresAt).toEqual(expect.any(String));
    expect(await clocked.authenticate(made.key)).toBeDefined();
    await new Promise((r) => setTimeout(r, 1600));
    now = Date.now();
    // Cached a moment ago, yet not served past its expiry; the database refuses it too.
    expect(await clocked.authenticate(made.key)).toBeUndefined();
    expect(await new ApiKeysService(dataSource, { areas }).authenticate(made.key)).toBeUndefined();
  });

  it('asks the database once for an unknown key, then remembers it is unknown', async () => {
    const guess = `crm_${'G'.repeat(43)}`;
    let lookups = 0;
    const count = () => void lookups++;
    for (let i = 0; i < 5; i++) expect(await keys.authenticate(guess, count)).toBeUndefined();
    expect(lookups).toBe(1);
  });

  it('stops a revoked key at once in another replica that has it cached, over NATS', async () => {
    const busA = new NatsRevocationBus(NATS_URL);
    const busB = new NatsRevocationBus(NATS_URL);
    await Promise.all([busA.start(), busB.start()]);
    try {
      const replicaA = new ApiKeysService(dataSource, { areas, revocations: busA });
      const replicaB = new ApiKeysService(dataSource, { areas, revocations: busB });
      const made = await replicaA.create({ name: 'shared', scopes: ['contacts:read'] }, admin);
      expect(await replicaB.authenticate(made.key)).toBeDefined();
      let lookups = 0;
      // Cached in B: no lookup.
      expect(await replicaB.authenticate(made.key, () => void lookups++)).toBeDefined();
      expect(lookups).toBe(0);
      await replicaA.revoke(made.id, admin);
      const deadline = Date.now() + 1000;
      let seen: Principal | undefined = await replicaB.authenticate(made.key);
      while (seen && Date.now() < deadline) {
        await new Promise((r) => setTimeout(r, 20));
        seen = await replicaB.authenticate(made.key);
      }
      // Well within the 5 s the cache would have kept it.
      expect(seen).toBeUndefined();
    } finally {
      await busA.onApplicationShutdown();
      await busB.onApplicationShutdown();
    }
  });
});
