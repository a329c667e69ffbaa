import { request } from 'node:http';
import { decodeJwt, generateKeyPair, SignJWT } from 'jose';
import { SECRET } from '../support/suite';
import { waitFor } from '@crm/messaging';
import { newPerson } from '../support/contacts';
import { freePort } from '../support/processes';
import { FakeUpstream } from './fake-upstream';
import { bearer, call, expectProblem, startGatewaySuite, type GatewaySuite } from './gateway-suite';

const LIMIT = 8 * 1024 * 1024;

/** A user token (typ JWT) with any claims, signed with the users' key. */
function signJwt(claims: Record<string, unknown>): Promise<string> {
  return new SignJWT(claims)
    .setProtectedHeader({ alg: 'HS256', typ: 'JWT' })
    .setSubject('claims-everything')
    .setIssuer('crm-local')
    .setAudience('crm')
    .setExpirationTime('5m')
    .sign(new TextEncoder().encode(SECRET));
}

function rawStatus(baseUrl: string, path: string, headers: Record<string, string>): Promise<number> {
  return new Promise((resolve, reject) => {
    const { hostname, port } = new URL(baseUrl);
    const req = request({ hostname, port, path, headers }, (res) => {
      res.resume();
      resolve(res.statusCode ?? 0);
    });
    req.once('error', reject);
    req.end();
  });
}

describe('the gateway routes to the services', () => {
  let s: GatewaySuite;
  let admin: Record<string, string>;
  const echo = new FakeUpstream();

  beforeAll(async () => {
    await echo.start();
    const nobody = await freePort();
    s = await startGatewaySuite(['contacts', 'analytics'], {
      CORS_ORIGINS: 'https://app.example.com',
      BODY_LIMIT_BYTES: String(LIMIT),
      UPSTREAM_TIMEOUT_MS: '1000',
      // Two stand-ins: a service of the test's own, and one nothing listens for.
      SERVICE_URLS: `echo=${echo.url},gone=http://127.0.0.1:${nobody}`,
      // An identity provider that is down: its RS256 tokens cannot be checked (HS256 ones still can).
      AUTH_JWKS_URL: `http://127.0.0.1:${nobody}/jwks.json`,
    });
    admin = bearer(await s.token(['admin']));
  });

  afterAll(async () => {
    await s?.teardown();
    await echo.stop();
  });

  const gw = () => s.gateway.baseUrl;
  const contacts = () => s.services['contacts'].baseUrl;

  it('creates and reads a person through the gateway with the status and body contacts gives', async () => {
    const created = await call<{ id: string }>(gw(), 'POST', '/api/v1/contacts', admin, newPerson(1, s.namespace));
    expect(created.status).toBe(201);
    expect(created.body.id).toEqual(expect.any(String));

    const through = await call(gw(), 'GET', `/api/v1/contacts/${created.body.id}`, admin);
    const direct = await call(contacts(), 'GET', `/contacts/${created.body.id}`, admin);
    expect(through.status).toBe(200);
    expect(through.body).toEqual(direct.body);
    expect(through.headers.get('content-type')).toBe(direct.headers.get('content-type'));
  });

  it("passes a service's refusal through unchanged: status, problem body and field errors", async () => {
    const bad = { firstName: '', emails: [{ address: 'not-an-email' }] };
    const through = await call<Record<string, unknown>>(
      gw(),
      'POST',
      '/api/v1/contacts',
      { ...admin, 'x-request-id': 'e2e-bad-1' },
      bad,
    );
    const direct = await call<Record<string, unknown>>(
      contacts(),
      'POST',
      '/contacts',
      { ...admin, 'x-request-id': 'e2e-bad-1' },
      bad,
    );
    expect(through.status).toBe(direct.status);
    expect(through.status).toBeGreaterThanOrEqual(400);
    expect(through.status).toBeLessThan(500);
    // The same problem, but its instance is the path the client used.
    expect(through.body).toEqual({ ...direct.body, instance: '/api/v1/contacts' });
    expect(through.headers.get('content-type')).toContain('application/problem+json');

    const missing = await call(gw(), 'GET', '/api/v1/contacts/01900000-0000-7000-8000-000000000000', admin);
    expectProblem(missing, 404);
  });

  it('reaches analytics, and its read model sees the people created through the gateway', async () => {
    const created = await call<{ id: string }>(gw(), 'POST', '/api/v1/contacts', admin, newPerson(2, s.namespace));
    expect(created.status).toBe(201);
    const facts = await waitFor(
      () => call<{ contactId: string }>(gw(), 'GET', `/api/v1/analytics/customers/${created.body.id}/facts`, admin),
      (a) => a.status === 200,
      20_000,
    );
    expect(facts.status).toBe(200);
    expect(facts.body.contactId).toBe(created.body.id);
    const direct = await call(
      s.services['analytics'].baseUrl,
      'GET',
      `/analytics/customers/${created.body.id}/facts`,
      admin,
    );
    expect(facts.body).toEqual(direct.body);

    const unknown = await call(
      gw(),
      'GET',
      '/api/v1/analytics/customers/01900000-0000-7000-8000-000000000000/facts',
      admin,
    );
    expectProblem(unknown, 404, 'CUSTOMER_FACTS_NOT_FOUND');
  });

  it('gives every response a request id, keeps the one a client sends and forwards it to the service', async () => {
    const own = await call(gw(), 'GET', '/api/v1/contacts/01900000-0000-7000-8000-000000000000', {
      ...admin,
      'x-request-id': 'e2e-trace-42',
    });
    expect(own.headers.get('x-request-id')).toBe('e2e-trace-42');
    expect((own.body as { requestId: string }).requestId).toBe('e2e-trace-42');
    const fresh = await call(gw(), 'GET', '/api/v1/nowhere', admin);
    expect(fresh.headers.get('x-request-id')).toMatch(/^[0-9a-f-]{36}$/);
  });

  it('answers 404 problem+json for a path no service owns and 400 for dot segments', async () => {
    expectProblem(await call(gw(), 'GET', '/api/v1/nowhere/1', admin), 404, 'ROUTE_NOT_FOUND');
    // fetch would resolve the dot segments itself; a raw request sends them as they are.
    for (const path of ['/api/v1/analytics/../contacts', '/api/v1/analytics/%2e%2E/contacts']) {
      expect(await rawStatus(gw(), path, admin)).toBe(400);
    }
  });

  it('sets security headers and answers CORS only for the configured origin', async () => {
    const res = await call(gw(), 'GET', '/api/v1/contacts', { ...admin, origin: 'https://app.example.com' });
    expect(res.headers.get('x-content-type-options')).toBe('nosniff');
    expect(res.headers.get('x-frame-options')).toBe('DENY');
    expect(res.headers.get('content-security-policy')).toContain("default-src 'none'");
    expect(res.headers.get('strict-transport-security')).toContain('max-age=');
    expect(res.headers.get('access-control-allow-origin')).toBe('https://app.example.com');

    const preflight = await call(gw(), 'OPTIONS', '/api/v1/contacts', {
      origin: 'https://app.example.com',
      'access-control-request-method': 'POST',
      'access-control-request-headers': 'authorization, content-type',
    });
    expect(preflight.status).toBe(204);
    expect(preflight.headers.get('access-control-allow-methods')).toContain('POST');
    expect(preflight.headers.get('access-control-allow-headers')).toContain('authorization');

    const other = await call(gw(), 'GET', '/api/v1/contacts', { ...admin, origin: 'https://evil.example.com' });
    expect(other.headers.get('access-control-allow-origin')).toBeNull();
  });

  it("keeps the gateway's HSTS, CSP, framing and CORS answers over a service's own", async () => {
    const res = await call(gw(), 'GET', '/api/v1/echo/loose-headers', { ...admin, origin: 'https://evil.example.com' });
    expect(res.status).toBe(200);
    expect(res.headers.get('strict-transport-security')).toBe('max-age=31536000; includeSubDomains');
    expect(res.headers.get('content-security-policy')).toBe("default-src 'none'; frame-ancestors 'none'");
    expect(res.headers.get('x-frame-options')).toBe('DENY');
    expect(res.headers.get('access-control-allow-origin')).toBeNull();
    expect(res.headers.get('access-control-allow-credentials')).toBeNull();
    const listed = await call(gw(), 'GET', '/api/v1/echo/loose-headers', {
      ...admin,
      origin: 'https://app.example.com',
    });
    expect(listed.headers.get('access-control-allow-origin')).toBe('https://app.example.com');
  });

  it('refuses a body over the limit with 413 before any service sees it', async () => {
    const big = JSON.stringify({ ...newPerson(3, s.namespace), notes: 'x'.repeat(LIMIT) });
    expectProblem(await call(gw(), 'POST', '/api/v1/contacts', admin, big), 413, 'PAYLOAD_TOO_LARGE');
  });

  it('refuses a chunked body once it passes the limit', async () => {
    const chunk = new Uint8Array(1024 * 1024);
    let sent = 0;
    const body = new ReadableStream<Uint8Array>({
      pull(controller) {
        if (sent++ < 10) controller.enqueue(chunk);
        else controller.close();
      },
    });
    const res = await fetch(`${gw()}/api/v1/echo/upload`, {
      method: 'POST',
      headers: admin,
      body,
      duplex: 'half',
    } as RequestInit);
    expect(res.status).toBe(413);
  });

  it('streams an upload: the service has its first bytes before the client has sent the rest', async () => {
    echo.reset();
    const first = new Uint8Array(256 * 1024).fill(1);
    const rest = new Uint8Array(3 * 1024 * 1024).fill(2);
    const body = new ReadableStream<Uint8Array>({
      async start(controller) {
        controller.enqueue(first);
        // Were the gateway buffering the body, this would wait forever.
        await echo.firstUploadChunk;
        controller.enqueue(rest);
        controller.close();
      },
    });
    const res = await fetch(`${gw()}/api/v1/echo/upload`, {
      method: 'POST',
      headers: { ...admin, 'content-type': 'application/octet-stream' },
      body,
      duplex: 'half',
    } as RequestInit);
    expect(res.status).toBe(201);
    expect(res.headers.get('x-upstream')).toBe('echo');
    expect(await res.json()).toMatchObject({ bytes: first.length + rest.length });
  });

  it('streams a download: the client reads the first bytes before the service has finished', async () => {
    echo.reset();
    const res = await fetch(`${gw()}/api/v1/echo/download`, { headers: admin });
    expect(res.status).toBe(200);
    const reader = (res.body as ReadableStream<Uint8Array>).getReader();
    const { value } = await reader.read();
    expect(new TextDecoder().decode(value)).toBe('first-chunk\n');
    echo.release();
    let rest = '';
    for (let r = await reader.read(); !r.done; r = await reader.read()) rest += new TextDecoder().decode(r.value);
    expect(rest).toBe('rest\n');
  });

  it("never forwards the client's credentials: the service gets a 60 s internal token for the same caller", async () => {
    const adminRes = await call<{ headers: Record<string, string> }>(gw(), 'GET', '/api/v1/echo/anything', {
      ...admin,
      cookie: 'sid=1',
      'x-forwarded-for': '6.6.6.6',
    });
    expect(adminRes.status).toBe(200);
    const seen = adminRes.body.headers;
    expect(seen['authorization']).not.toBe(admin.authorization);
    expect(seen['cookie']).toBeUndefined();
    expect(seen['x-request-id']).toBe(adminRes.headers.get('x-request-id'));
    // No proxy is trusted in front of this gateway: what the client claims about its address is dropped.
    expect(seen['x-forwarded-for']).toMatch(/127\.0\.0\.1$/);
    expect(seen['x-forwarded-for']).not.toContain('6.6.6.6');
    const internalToken = seen['authorization'].replace(/^Bearer /, '');
    const claims = decodeJwt(internalToken);
    expect(claims).toMatchObject({
      sub: 'e2e-admin',
      roles: ['admin'],
      permissions: ['*'],
      kind: 'user',
      iss: 'crm-gateway',
      aud: 'crm-internal',
    });
    expect(Number(claims.exp) - Number(claims.iat)).toBe(60);

    // Replayed at the front door, the internal token is no credential, though services take it.
    const replayed = await call(gw(), 'GET', '/api/v1/contacts', bearer(internalToken));
    expectProblem(replayed, 401, 'UNAUTHENTICATED');
    expect((replayed.body as { detail: string }).detail).toMatch(/internal/i);
    expect((await call(contacts(), 'GET', '/contacts', bearer(internalToken))).status).toBe(200);
  });

  it('gives a user token claiming permissions only what its roles give', async () => {
    const claimsEverything = await signJwt({ roles: ['read-only'], permissions: ['*'] });
    expect((await call(gw(), 'GET', '/api/v1/contacts', bearer(claimsEverything))).status).toBe(200);
    expectProblem(
      await call(gw(), 'POST', '/api/v1/contacts', bearer(claimsEverything), newPerson(4, s.namespace)),
      403,
      'PERMISSION_DENIED',
    );
    expectProblem(
      await call(contacts(), 'POST', '/contacts', bearer(claimsEverything), newPerson(5, s.namespace)),
      403,
      'PERMISSION_DENIED',
    );
  });

  it('answers 503 AUTHENTICATION_UNAVAILABLE, not 401, while the identity provider keys cannot be fetched', async () => {
    const { privateKey } = await generateKeyPair('RS256');
    const oidc = await new SignJWT({ roles: ['admin'] })
      .setProtectedHeader({ alg: 'RS256', kid: 'k1' })
      .setSubject('oidc-user')
      .setIssuer('crm-local')
      .setAudience('crm')
      .setExpirationTime('5m')
      .sign(privateKey);
    const answer = await call(gw(), 'GET', '/api/v1/contacts', bearer(oidc));
    expectProblem(answer, 503, 'AUTHENTICATION_UNAVAILABLE');
  });

  it('answers 504 when a service does not answer in time, 502 when it hangs up, 503 naming a service that is down', async () => {
    const started = Date.now();
    const slow = await call(gw(), 'GET', '/api/v1/echo/silent', admin);
    expectProblem(slow, 504, 'SERVICE_TIMEOUT');
    expect(Date.now() - started).toBeLessThan(5_000);
    expectProblem(await call(gw(), 'GET', '/api/v1/echo/hang-up', admin), 502, 'BAD_GATEWAY');
    const down = await call<{ service: string; detail: string }>(gw(), 'GET', '/api/v1/gone/x', admin);
    expectProblem(down, 503, 'SERVICE_UNAVAILABLE');
    expect(down.body.service).toBe('gone');
    expect(down.body.detail).toContain('gone');
  });

  it('serves one OpenAPI 3.1 document of the gateway and every service, and a page listing it', async () => {
    const doc = await call<{ openapi: string; paths: Record<string, unknown>; 'x-missing': unknown[] }>(
      gw(),
      'GET',
      '/api/openapi.json',
    );
    expect(doc.status).toBe(200);
    expect(doc.body.openapi).toBe('3.1.0');
    const paths = Object.keys(doc.body.paths);
    expect(paths).toEqual(
      expect.arrayContaining([
        '/api/v1/customers/{id}',
        '/api/v1/search',
        '/api/v1/admin/api-keys',
        '/api/v1/analytics/customers/summary',
      ]),
    );
    expect(paths.some((p) => p.startsWith('/api/v1/contacts'))).toBe(true);
    expect(paths.every((p) => p.startsWith('/api/'))).toBe(true);
    // Only the stand-ins and the services this suite does not start have no document.
    const missing = (doc.body['x-missing'] as { service: string }[]).map((m) => m.service);
    expect(missing).toEqual(expect.arrayContaining(['echo', 'gone']));
    expect(missing).not.toContain('contacts');
    expect(missing).not.toContain('analytics');

    const page = await fetch(`${gw()}/api/docs`);
    expect(page.status).toBe(200);
    expect(page.headers.get('content-type')).toContain('text/html');
    expect(await page.text()).toContain('/api/docs/swagger-ui-bundle.js');
  });
});
