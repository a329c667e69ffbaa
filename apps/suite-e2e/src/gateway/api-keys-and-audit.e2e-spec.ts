import { waitFor } from '@crm/messaging';
import { newPerson } from '../support/contacts';
import { bearer, call, expectProblem, startGatewaySuite, type GatewaySuite } from './gateway-suite';

interface KeyAnswer {
  id: string;
  key: string;
  name: string;
  scopes: string[];
  prefix: string;
}

interface AuditItem {
  subject: string | null;
  subjectName: string | null;
  kind: string | null;
  method: string;
  path: string;
  service: string;
  status: number;
  requestId: string;
  at: string;
  durationMs: number;
  clientIp: string;
}

describe('API keys for machine clients', () => {
  let s: GatewaySuite;
  let admin: Record<string, string>;
  let personId: string;

  beforeAll(async () => {
    // A role holding gateway:admin but not everything (only internal tokens carry explicit permissions).
    s = await startGatewaySuite(['contacts', 'analytics'], {
      AUTH_ROLE_PERMISSIONS: JSON.stringify({ 'key-admin': ['gateway:admin', 'contacts:read'] }),
    });
    admin = bearer(await s.userToken('ada', ['admin'], 'Ada Admin'));
    personId = (
      await call<{ id: string }>(s.gateway.baseUrl, 'POST', '/api/v1/contacts', admin, newPerson(0, s.namespace))
    ).body.id;
  });

  afterAll(() => s?.teardown());

  const gw = () => s.gateway.baseUrl;

  it('a key scoped to contacts:read reads contacts, cannot write them or read analytics, and gets 401 once revoked', async () => {
    const created = await call<KeyAnswer>(gw(), 'POST', '/api/v1/admin/api-keys', admin, {
      name: 'nightly export',
      scopes: ['contacts:read'],
    });
    expect(created.status).toBe(201);
    expect(created.body.key).toMatch(/^crm_[A-Za-z0-9_-]{43}$/);
    const key = created.body.key;

    const read = await call(gw(), 'GET', `/api/v1/contacts/${personId}`, { 'x-api-key': key });
    expect(read.status).toBe(200);
    expect((await call(gw(), 'GET', `/api/v1/contacts/${personId}`, { authorization: `ApiKey ${key}` })).status).toBe(
      200,
    );
    // The gateway's own aggregated routes take keys too.
    expect((await call(gw(), 'GET', `/api/v1/customers/${personId}`, { 'x-api-key': key })).status).toBe(200);

    expectProblem(
      await call(gw(), 'POST', '/api/v1/contacts', { 'x-api-key': key }, newPerson(1, s.namespace)),
      403,
      'PERMISSION_DENIED',
    );
    expectProblem(
      await call(gw(), 'GET', '/api/v1/analytics/customers/summary', { 'x-api-key': key }),
      403,
      'PERMISSION_DENIED',
    );
    expectProblem(await call(gw(), 'GET', '/api/v1/admin/api-keys', { 'x-api-key': key }), 403);

    expect((await call(gw(), 'DELETE', `/api/v1/admin/api-keys/${created.body.id}`, admin)).status).toBe(204);
    expectProblem(
      await call(gw(), 'GET', `/api/v1/contacts/${personId}`, { 'x-api-key': key }),
      401,
      'UNAUTHENTICATED',
    );
  });

  it('makes a key that stops working at its expiresAt', async () => {
    const expiresAt = new Date(Date.now() + 2000).toISOString();
    const made = await call<KeyAnswer & { expiresAt: string }>(gw(), 'POST', '/api/v1/admin/api-keys', admin, {
      name: 'brief',
      scopes: ['contacts:read'],
      expiresAt,
    });
    expect(made.status).toBe(201);
    expect(made.body.expiresAt).toBe(expiresAt);
    expect((await call(gw(), 'GET', `/api/v1/contacts/${personId}`, { 'x-api-key': made.body.key })).status).toBe(200);
    await new Promise((r) => setTimeout(r, Date.parse(expiresAt) - Date.now() + 200));
    expectProblem(
      await call(gw(), 'GET', `/api/v1/contacts/${personId}`, { 'x-api-key': made.body.key }),
      401,
      'UNAUTHENTICATED',
    );
  });

  it('lists keys with their scopes, last use and revocation, never the key or its hash', async () => {
    const created = await call<KeyAnswer>(gw(), 'POST', '/api/v1/admin/api-keys', admin, {
      name: 'crm sync',
      scopes: ['contacts:read', 'analytics:read'],
    });
    await call(gw(), 'GET', '/api/v1/analytics/customers/summary', { 'x-api-key': created.body.key });
    const listed = await waitFor(
      () => call<{ items: Record<string, unknown>[] }>(gw(), 'GET', '/api/v1/admin/api-keys', admin),
      (a) => a.body.items.some((k) => k['id'] === created.body.id && k['lastUsedAt'] !== null),
    );
    const mine = listed.body.items.find((k) => k['id'] === created.body.id);
    expect(mine).toMatchObject({
      name: 'crm sync',
      scopes: ['contacts:read', 'analytics:read'],
      createdBy: 'ada',
      revokedAt: null,
      prefix: created.body.prefix,
    });
    expect(mine?.['lastUsedAt']).toEqual(expect.any(String));
    expect(JSON.stringify(listed.body)).not.toContain(created.body.key);
    expect(Object.keys(mine ?? {})).not.toContain('keyHash');
  });

  it('refuses a key with a malformed scope, or one its creator does not hold', async () => {
    const bad = await call<{ errors: { field: string }[] }>(gw(), 'POST', '/api/v1/admin/api-keys', admin, {
      name: 'x',
      scopes: ['contacts:read', 'contacts', 'nonsense:perm'],
    });
    expectProblem(bad, 400, 'VALIDATION_FAILED');
    expect(bad.body.errors.map((e) => e.field)).toEqual(['scopes[1]', 'scopes[2]']);
    const past = await call<{ errors: { field: string }[] }>(gw(), 'POST', '/api/v1/admin/api-keys', admin, {
      name: 'x',
      scopes: ['contacts:read'],
      expiresAt: '2020-01-01T00:00:00Z',
    });
    expectProblem(past, 400, 'VALIDATION_FAILED');
    expect(past.body.errors.map((e) => e.field)).toEqual(['expiresAt']);
    // Only gateway:admin, not everything: cannot mint a key for more than it holds.
    const limitedAdmin = bearer(await s.userToken('key-admin', ['key-admin']));
    const escalation = await call(gw(), 'POST', '/api/v1/admin/api-keys', limitedAdmin, {
      name: 'y',
      scopes: ['contacts:write'],
    });
    expectProblem(escalation, 403, 'API_KEY_SCOPE_NOT_HELD');
  });

  it('keeps key administration to gateway:admin', async () => {
    const sales = bearer(await s.token(['sales']));
    expectProblem(
      await call(gw(), 'POST', '/api/v1/admin/api-keys', sales, { name: 'z', scopes: ['contacts:read'] }),
      403,
      'PERMISSION_DENIED',
    );
    expectProblem(await call(gw(), 'GET', '/api/v1/admin/audit', sales), 403, 'PERMISSION_DENIED');
    expectProblem(
      await call(gw(), 'DELETE', '/api/v1/admin/api-keys/01900000-0000-7000-8000-000000000000', admin),
      404,
      'API_KEY_NOT_FOUND',
    );
  });

  it('puts every write in the audit log with the caller, and no reads', async () => {
    const since = new Date(Date.now() - 1000).toISOString();
    const grace = bearer(await s.userToken('grace', ['sales'], 'Grace Sales'));
    const key = (
      await call<KeyAnswer>(gw(), 'POST', '/api/v1/admin/api-keys', admin, {
        name: 'writer',
        scopes: ['contacts:write', 'contacts:read'],
      })
    ).body;

    const writes = [
      await call(gw(), 'POST', '/api/v1/contacts', { ...grace, 'x-request-id': 'audit-1' }, newPerson(10, s.namespace)),
      await call(
        gw(),
        'POST',
        '/api/v1/contacts',
        { 'x-api-key': key.key, 'x-request-id': 'audit-2' },
        newPerson(11, s.namespace),
      ),
      await call(gw(), 'POST', '/api/v1/analytics/customers/summary', { ...grace, 'x-request-id': 'audit-3' }, {}),
      await call(
        gw(),
        'POST',
        '/api/v1/contacts',
        { authorization: 'Bearer nope', 'x-request-id': 'audit-4' },
        newPerson(12, s.namespace),
      ),
    ];
    expect(writes.map((w) => w.status)).toEqual([201, 201, 403, 401]);
    await call(gw(), 'GET', `/api/v1/contacts/${personId}`, { ...grace, 'x-request-id': 'audit-read' });

    const log = await waitFor(
      () =>
        call<{ items: AuditItem[] }>(
          gw(),
          'GET',
          `/api/v1/admin/audit?since=${encodeURIComponent(since)}&limit=200`,
          admin,
        ),
      (a) => ['audit-1', 'audit-2', 'audit-3', 'audit-4'].every((id) => a.body.items?.some((i) => i.requestId === id)),
    );
    const byRequest = (id: string) => log.body.items.find((i) => i.requestId === id);
    expect(byRequest('audit-1')).toMatchObject({
      subject: 'grace',
      subjectName: 'Grace Sales',
      kind: 'user',
      method: 'POST',
      path: '/api/v1/contacts',
      service: 'contacts',
      status: 201,
    });
    expect(byRequest('audit-2')).toMatchObject({
      subject: `api-key:${key.id}`,
      subjectName: 'writer',
      kind: 'api-key',
      status: 201,
    });
    expect(byRequest('audit-3')).toMatchObject({ subject: 'grace', service: 'analytics', status: 403 });
    expect(byRequest('audit-4')).toMatchObject({ subject: null, status: 401 });
    expect(byRequest('audit-1')?.clientIp).toEqual(expect.any(String));
    expect(byRequest('audit-1')?.durationMs).toEqual(expect.any(Number));
    expect(byRequest('audit-read')).toBeUndefined();
    // The key's creation by the admin is a write too.
    expect(
      log.body.items.some((i) => i.subject === 'ada' && i.path === '/api/v1/admin/api-keys' && i.status === 201),
    ).toBe(true);
  });

  it('pages the audit log newest first by cursor and filters by subject', async () => {
    const grace = bearer(await s.userToken('grace-pages', ['sales'], 'Grace'));
    for (let i = 0; i < 5; i++) await call(gw(), 'POST', '/api/v1/contacts', grace, newPerson(20 + i, s.namespace));
    await waitFor(
      () => call<{ items: AuditItem[] }>(gw(), 'GET', '/api/v1/admin/audit?subject=grace-pages', admin),
      (a) => a.body.items?.length === 5,
    );
    const seen: AuditItem[] = [];
    let cursor: string | null = null;
    do {
      const page: { status: number; body: { items: AuditItem[]; nextCursor: string | null } } = await call(
        gw(),
        'GET',
        `/api/v1/admin/audit?subject=grace-pages&limit=2${cursor ? `&cursor=${cursor}` : ''}`,
        admin,
      );
      expect(page.status).toBe(200);
      expect(page.body.items.length).toBeLessThanOrEqual(2);
      seen.push(...page.body.items);
      cursor = page.body.nextCursor;
    } while (cursor);
    expect(seen).toHaveLength(5);
    expect(seen.every((i) => i.subject === 'grace-pages')).toBe(true);
    const times = seen.map((i) => i.at);
    expect([...times].sort().reverse()).toEqual(times);
    expectProblem(await call(gw(), 'GET', '/api/v1/admin/audit?cursor=not-a-cursor', admin), 400, 'CURSOR_INVALID');
  });
});
