import { createServer, type Server } from 'node:http';
import { exportJWK, exportSPKI, generateKeyPair, SignJWT, type KeyLike } from 'jose';
import { signDevToken } from '@crm/platform';
import { newPerson } from '../support/contacts';
import { freePort, ServiceProcess } from '../support/processes';
import { SECRET } from '../support/suite';
import { bearer, call, expectProblem, startGatewaySuite, type GatewaySuite } from './gateway-suite';

type Route = 'contacts read' | 'contacts write' | 'analytics read' | 'analytics write';

/**
 * Every role against a read and a write route of each service, through the
 * gateway. Analytics has no write route yet: a write the gateway lets through
 * (admin only) reaches analytics, which answers 405 (the path exists for GET).
 */
const MATRIX: Record<string, Record<Route, number>> = {
  admin: { 'contacts read': 200, 'contacts write': 201, 'analytics read': 200, 'analytics write': 405 },
  sales: { 'contacts read': 200, 'contacts write': 201, 'analytics read': 200, 'analytics write': 403 },
  support: { 'contacts read': 200, 'contacts write': 403, 'analytics read': 403, 'analytics write': 403 },
  marketing: { 'contacts read': 200, 'contacts write': 201, 'analytics read': 200, 'analytics write': 403 },
  analyst: { 'contacts read': 200, 'contacts write': 403, 'analytics read': 200, 'analytics write': 403 },
  'read-only': { 'contacts read': 200, 'contacts write': 403, 'analytics read': 403, 'analytics write': 403 },
};

describe('authorisation at the gateway', () => {
  let s: GatewaySuite;
  let personId: string;

  beforeAll(async () => {
    s = await startGatewaySuite();
    const created = await call<{ id: string }>(
      s.gateway.baseUrl,
      'POST',
      '/api/v1/contacts',
      bearer(await s.token(['admin'])),
      newPerson(0, s.namespace),
    );
    personId = created.body.id;
  });

  afterAll(() => s?.teardown());

  const request = (route: Route, role: string, i: number) => {
    switch (route) {
      case 'contacts read':
        return ['GET', `/api/v1/contacts/${personId}`, undefined] as const;
      case 'contacts write':
        return ['POST', '/api/v1/contacts', newPerson(100 + i, `${s.namespace}${role}`)] as const;
      case 'analytics read':
        return ['GET', '/api/v1/analytics/customers/summary', undefined] as const;
      case 'analytics write':
        return ['POST', '/api/v1/analytics/customers/summary', {}] as const;
    }
  };

  const cases = Object.entries(MATRIX).flatMap(([role, expected]) =>
    (Object.entries(expected) as [Route, number][]).map(([route, status]) => ({ role, route, status })),
  );

  it.each(cases)('$role: $route → $status', async ({ role, route, status }) => {
    const token = await s.token([role]);
    const [method, path, body] = request(
      route,
      role,
      cases.findIndex((c) => c.role === role && c.route === route),
    );
    const res = await call(s.gateway.baseUrl, method, path, bearer(token), body);
    expect(res.status).toBe(status);
    if (status === 403) {
      expectProblem(res, 403, 'PERMISSION_DENIED');
      // Refused at the gateway: the service never saw it.
      expect((res.body as { instance: string }).instance).toMatch(/^\/api\/v1\//);
    }
  });

  it('leaves the finer check to the service: sales may write contacts, but only contacts:admin may erase', async () => {
    const sales = bearer(await s.token(['sales']));
    const res = await call<{ instance: string }>(
      s.gateway.baseUrl,
      'POST',
      `/api/v1/contacts/${personId}/erasure`,
      sales,
      {},
    );
    expectProblem(res, 403);
    // Refused by contacts itself (the gateway only checks contacts:write here), naming the path the
    // client used, which the gateway passes on as X-Forwarded-Prefix.
    expect(res.body.instance).toBe(`/api/v1/contacts/${personId}/erasure`);
  });

  it('reads the role map from AUTH_ROLE_PERMISSIONS when it is set', async () => {
    const custom = new ServiceProcess({
      app: 'gateway',
      env: { ...s.gateway.env, AUTH_ROLE_PERMISSIONS: JSON.stringify({ auditor: ['analytics:read'] }) },
    });
    await custom.start(s.gatewayEnv);
    try {
      const auditor = bearer(await s.token(['auditor']));
      expect((await call(custom.baseUrl, 'GET', '/api/v1/analytics/customers/summary', auditor)).status).toBe(200);
      expect((await call(custom.baseUrl, 'GET', `/api/v1/contacts/${personId}`, auditor)).status).toBe(403);
    } finally {
      await custom.stop();
    }
  });
});

describe('tokens the gateway refuses', () => {
  let s: GatewaySuite;
  let jwks: Server;
  let rsa: { privateKey: KeyLike; publicKey: KeyLike };
  let gateway: ServiceProcess;

  beforeAll(async () => {
    rsa = await generateKeyPair('RS256');
    const jwk = { ...(await exportJWK(rsa.publicKey)), kid: 'e2e-key', alg: 'RS256', use: 'sig' };
    const port = await freePort();
    jwks = createServer((_req, res) => {
      res.writeHead(200, { 'content-type': 'application/json' });
      res.end(JSON.stringify({ keys: [jwk] }));
    });
    await new Promise<void>((r) => jwks.listen(port, '127.0.0.1', r));
    s = await startGatewaySuite(['contacts']);
    // The OIDC issuer's keys beside the local secret, as in production.
    gateway = new ServiceProcess({
      app: 'gateway',
      env: { ...s.gateway.env, AUTH_JWKS_URL: `http://127.0.0.1:${port}/jwks.json` },
    });
    await gateway.start(s.gatewayEnv);
  });

  afterAll(async () => {
    await gateway?.stop();
    await s?.teardown();
    await new Promise((r) => jwks.close(r));
  });

  const now = () => Math.floor(Date.now() / 1000);
  const hs = (claims: Record<string, unknown>, secret = SECRET) =>
    new SignJWT({ roles: ['admin'], ...claims })
      .setProtectedHeader({ alg: 'HS256' })
      .setSubject('e2e-tokens')
      .sign(new TextEncoder().encode(secret));
  const valid = { iss: 'crm-local', aud: 'crm', iat: now(), exp: now() + 600 };
  const rs = (claims: Record<string, unknown>, key: KeyLike = rsa.privateKey, kid = 'e2e-key') =>
    new SignJWT({ roles: ['admin'], ...valid, ...claims })
      .setProtectedHeader({ alg: 'RS256', kid })
      .setSubject('oidc-user')
      .sign(key);
  const b64 = (o: object) => Buffer.from(JSON.stringify(o)).toString('base64url');

  const rejected: [string, () => Promise<string>][] = [
    ['expired', () => hs({ ...valid, iat: now() - 7200, exp: now() - 3600 })],
    ['not yet valid', () => hs({ ...valid, nbf: now() + 3600 })],
    ['wrong audience', () => hs({ ...valid, aud: 'someone-else' })],
    ['wrong issuer', () => hs({ ...valid, iss: 'https://evil.example.com' })],
    ['bad signature', async () => (await hs(valid)).replace(/.{6}$/, 'AAAAAA')],
    ['signed with another secret', () => hs(valid, 'another-secret-another-secret-another')],
    [
      'alg none',
      async () => `${b64({ alg: 'none', typ: 'JWT' })}.${b64({ ...valid, sub: 'e2e-none', roles: ['admin'] })}.`,
    ],
    ['garbage', async () => 'this-is-not-a-token'],
    ['RS256 from a key the issuer does not publish', async () => rs({}, (await generateKeyPair('RS256')).privateKey)],
    [
      'HS256 signed with the public key (HS/RS confusion)',
      async () => {
        // The classic attack: the issuer's public key, which anyone has, used as an HMAC secret.
        const pem = new TextEncoder().encode(await exportSPKI(rsa.publicKey));
        return new SignJWT({ roles: ['admin'], ...valid })
          .setProtectedHeader({ alg: 'HS256', kid: 'e2e-key' })
          .setSubject('x')
          .sign(pem);
      },
    ],
  ];

  it.each(rejected)('refuses a token that is %s with 401 problem+json', async (_label, make) => {
    const res = await call(gateway.baseUrl, 'GET', '/api/v1/contacts', bearer(await make()));
    expectProblem(res, 401);
    expect(res.headers.get('www-authenticate')).toContain('Bearer');
  });

  it('refuses a request without credentials, or with an unknown scheme', async () => {
    expectProblem(await call(gateway.baseUrl, 'GET', '/api/v1/contacts'), 401, 'UNAUTHENTICATED');
    expectProblem(
      await call(gateway.baseUrl, 'GET', '/api/v1/contacts', { authorization: 'Basic YTpi' }),
      401,
      'UNAUTHENTICATED',
    );
  });

  it("accepts an RS256 token from the issuer's JWKS and an HS256 one from the local secret", async () => {
    expect((await call(gateway.baseUrl, 'GET', '/api/v1/contacts', bearer(await rs({})))).status).toBe(200);
    const local = await signDevToken({ secret: SECRET, subject: 'e2e-local', roles: ['read-only'] });
    expect((await call(gateway.baseUrl, 'GET', '/api/v1/contacts', bearer(local))).status).toBe(200);
  });
});
