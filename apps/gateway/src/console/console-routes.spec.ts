import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import type { HttpAdapterHost } from '@nestjs/core';
import Fastify, { type FastifyInstance } from 'fastify';
import { exportJWK, generateKeyPair, SignJWT, type KeyLike } from 'jose';
import { TokenVerifier, type ServiceConfig } from '@crm/platform';
import { ConsoleRoutes, safeReturnTo } from './console-routes';
import { ConsoleSessions, readCookies } from './console-sessions';
import type { ConsoleSettings } from './console-settings';
import { pkceChallenge } from './oidc-client';

const SECRET = 'k'.repeat(40);

/** A small but real OIDC provider: discovery, JWKS, and a token endpoint that checks the PKCE verifier. */
class FakeProvider {
  server!: Server;
  issuer = '';
  private key!: KeyLike;
  private jwk: object = {};
  readonly codes = new Map<string, { challenge: string; nonce: string; redirectUri: string }>();
  tokenCalls = 0;

  async start(): Promise<void> {
    const { privateKey, publicKey } = await generateKeyPair('RS256');
    this.key = privateKey;
    this.jwk = { ...(await exportJWK(publicKey)), kid: 'k1', alg: 'RS256', use: 'sig' };
    this.server = createServer((req, res) => void this.handle(req, res));
    await new Promise<void>((r) => this.server.listen(0, '127.0.0.1', r));
    this.issuer = `http://127.0.0.1:${(this.server.address() as AddressInfo).port}`;
  }

  sign(claims: Record<string, unknown>, audience: string): Promise<string> {
    return new SignJWT(claims)
      .setProtectedHeader({ alg: 'RS256', kid: 'k1' })
      .setIssuer(this.issuer)
      .setAudience(audience)
      .setSubject('oidc-user-1')
      .setIssuedAt()
      .setExpirationTime('10m')
      .sign(this.key);
  }

  private async handle(req: import('node:http').IncomingMessage, res: import('node:http').ServerResponse) {
    const send = (status: number, body: unknown) => {
      res.writeHead(status, { 'content-type': 'application/json' });
      res.end(JSON.stringify(body));
    };
    if (req.url === '/.well-known/openid-configuration')
      return send(200, {
        issuer: this.issuer,
        authorization_endpoint: `${this.issuer}/authorize`,
        token_endpoint: `${this.issuer}/token`,
        jwks_uri: `${this.issuer}/jwks`,
      });
    if (req.url === '/jwks') return send(200, { keys: [this.jwk] });
    if (req.url === '/token' && req.method === 'POST') {
      this.tokenCalls += 1;
      let raw = '';
      for await (const chunk of req) raw += chunk;
      const form = new URLSearchParams(raw);
      const grant = this.codes.get(form.get('code') ?? '');
      this.codes.delete(form.get('code') ?? '');
      if (
        !grant ||
        pkceChallenge(form.get('code_verifier') ?? '') !== grant.challenge ||
        form.get('redirect_uri') !== grant.redirectUri ||
        form.get('client_id') !== 'console'
      )
        return send(400, { error: 'invalid_grant' });
      return send(200, {
        access_token: await this.sign({ roles: ['sales'], name: 'Olga Idp' }, 'crm'),
        id_token: await this.sign({ nonce: grant.nonce }, 'console'),
        token_type: 'Bearer',
        expires_in: 600,
      });
    }
    send(404, {});
  }
}

describe('ConsoleRoutes (sign-in and session over a real Fastify and a fake OIDC provider)', () => {
  const idp = new FakeProvider();
  let app: FastifyInstance;
  let local: FastifyInstance;

  function routes(settings: Partial<ConsoleSettings>): FastifyInstance {
    const fastify = Fastify();
    const config = { AUTH_JWT_SECRET: SECRET, AUTH_ISSUER: idp.issuer, AUTH_AUDIENCE: 'crm' } as ServiceConfig;
    const tokens = new TokenVerifier({
      secret: SECRET,
      jwksUrl: `${idp.issuer}/jwks`,
      issuer: idp.issuer,
      audience: 'crm',
    });
    const host = { httpAdapter: { getInstance: () => fastify } } as unknown as HttpAdapterHost;
    new ConsoleRoutes(
      host,
      { staticDir: '/nonexistent', localSignIn: false, sessionTtlSeconds: 3600, secureCookies: false, ...settings },
      config,
      tokens,
      new ConsoleSessions(SECRET),
    ).onModuleInit();
    return fastify;
  }

  beforeAll(async () => {
    await idp.start();
    app = routes({ oidc: { issuer: idp.issuer, clientId: 'console', scopes: 'openid' } });
    local = routes({ localSignIn: true });
  });
  afterAll(async () => {
    await app.close();
    await local.close();
    await new Promise((r) => idp.server.close(r));
  });

  const cookiesOf = (setCookie: string | string[] | undefined) =>
    readCookies((Array.isArray(setCookie) ? setCookie : [setCookie ?? '']).map((c) => c.split(';')[0]).join('; '));

  async function startLogin(returnTo = '/contacts/42') {
    const login = await app.inject({ method: 'GET', url: `/auth/login?returnTo=${encodeURIComponent(returnTo)}` });
    expect(login.statusCode).toBe(302);
    const authorize = new URL(login.headers.location as string);
    const oidcCookie = cookiesOf(login.headers['set-cookie']).get('crm_oidc') as string;
    return { authorize, oidcCookie, setCookie: String(login.headers['set-cookie']) };
  }

  it('signs in with the authorization code flow and PKCE, ending in an httpOnly SameSite=Strict session', async () => {
    const { authorize, oidcCookie, setCookie } = await startLogin();
    expect(authorize.origin + authorize.pathname).toBe(`${idp.issuer}/authorize`);
    expect(Object.fromEntries(authorize.searchParams)).toMatchObject({
      response_type: 'code',
      client_id: 'console',
      code_challenge_method: 'S256',
      redirect_uri: 'http://localhost:80/auth/callback',
    });
    expect(setCookie).toMatch(/HttpOnly; SameSite=Lax/);
    idp.codes.set('code-1', {
      challenge: authorize.searchParams.get('code_challenge') as string,
      nonce: authorize.searchParams.get('nonce') as string,
      redirectUri: authorize.searchParams.get('redirect_uri') as string,
    });
    const back = await app.inject({
      method: 'GET',
      url: `/auth/callback?code=code-1&state=${authorize.searchParams.get('state')}`,
      headers: { cookie: `crm_oidc=${oidcCookie}` },
    });
    expect(back.statusCode).toBe(302);
    expect(back.headers.location).toBe('/contacts/42');
    const cookies = back.headers['set-cookie'] as string[];
    expect(cookies.find((c) => c.startsWith('crm_session='))).toMatch(/Max-Age=600; HttpOnly; SameSite=Strict/);
    const session = cookiesOf(cookies).get('crm_session') as string;

    const who = await app.inject({
      method: 'GET',
      url: '/auth/session',
      headers: { cookie: `crm_session=${session}` },
    });
    expect(who.statusCode).toBe(200);
    expect(who.json()).toMatchObject({ subject: 'oidc-user-1', name: 'Olga Idp', roles: ['sales'] });
    expect(who.json().csrfToken).toBe(new ConsoleSessions(SECRET).csrfFor(session));
  });

  it('refuses a callback whose state was not started by this browser, without asking the provider', async () => {
    const { authorize, oidcCookie } = await startLogin();
    const calls = idp.tokenCalls;
    const forged = await app.inject({
      method: 'GET',
      url: `/auth/callback?code=x&state=${authorize.searchParams.get('state')}x`,
      headers: { cookie: `crm_oidc=${oidcCookie}` },
    });
    expect(forged.statusCode).toBe(400);
    expect(forged.json()).toMatchObject({ code: 'OIDC_STATE_INVALID' });
    const noCookie = await app.inject({
      method: 'GET',
      url: `/auth/callback?code=x&state=${authorize.searchParams.get('state')}`,
    });
    expect(noCookie.json()).toMatchObject({ code: 'OIDC_STATE_INVALID' });
    expect(idp.tokenCalls).toBe(calls);
  });

  it('refuses a code redeemed with another verifier (the provider checks PKCE) as a refused sign-in', async () => {
    const { authorize, oidcCookie } = await startLogin();
    idp.codes.set('code-2', {
      challenge: pkceChallenge('someone-elses-verifier'),
      nonce: authorize.searchParams.get('nonce') as string,
      redirectUri: authorize.searchParams.get('redirect_uri') as string,
    });
    const back = await app.inject({
      method: 'GET',
      url: `/auth/callback?code=code-2&state=${authorize.searchParams.get('state')}`,
      headers: { cookie: `crm_oidc=${oidcCookie}` },
    });
    expect(back.statusCode).toBe(401);
    expect(back.json()).toMatchObject({ code: 'OIDC_TOKEN_REFUSED' });
    expect(String(back.headers['set-cookie'])).not.toContain('crm_session=ey');
  });

  it('only ever returns to a path of this site', () => {
    expect(safeReturnTo('/contacts?q=a')).toBe('/contacts?q=a');
    for (const bad of ['//evil.example', 'https://evil.example', '/\\evil.example', undefined, 42])
      expect(safeReturnTo(bad)).toBe('/');
  });

  it('has no local sign-in unless it is switched on', async () => {
    const res = await app.inject({
      method: 'POST',
      url: '/auth/local',
      headers: { 'content-type': 'application/json' },
      payload: { roles: ['admin'] },
    });
    expect(res.statusCode).toBe(404);
    expect(res.json()).toMatchObject({ code: 'LOCAL_SIGN_IN_DISABLED' });
  });

  it('signs in locally with a chosen role, naming each bad field, and refuses another origin', async () => {
    const bad = await local.inject({
      method: 'POST',
      url: '/auth/local',
      headers: { 'content-type': 'application/json' },
      payload: { roles: ['root'], name: 'x'.repeat(81), extra: 1 },
    });
    expect(bad.statusCode).toBe(400);
    expect(bad.json().errors.map((e: { field: string }) => e.field)).toEqual(['roles', 'name', 'extra']);
    const cross = await local.inject({
      method: 'POST',
      url: '/auth/local',
      headers: { 'content-type': 'application/json', origin: 'https://evil.example' },
      payload: { roles: ['admin'] },
    });
    expect(cross.statusCode).toBe(403);
    const form = await local.inject({
      method: 'POST',
      url: '/auth/local',
      headers: { 'content-type': 'text/plain' },
      payload: '{"roles":["admin"]}',
    });
    expect([403, 415]).toContain(form.statusCode);
    expect(form.headers['set-cookie']).toBeUndefined();
    const ok = await local.inject({
      method: 'POST',
      url: '/auth/local',
      headers: { 'content-type': 'application/json', origin: 'http://localhost:80' },
      payload: { roles: ['read-only'], name: 'Rita' },
    });
    expect(ok.statusCode).toBe(200);
    expect(ok.json()).toMatchObject({
      subject: 'local-rita',
      roles: ['read-only'],
      permissions: expect.arrayContaining(['contacts:read']),
    });
    expect(String(ok.headers['set-cookie'])).toMatch(
      /^crm_session=ey[^;]+; Path=\/; Max-Age=3600; HttpOnly; SameSite=Strict$/,
    );
  });

  it('signs out only with the CSRF token, clearing the cookie', async () => {
    const ok = await local.inject({
      method: 'POST',
      url: '/auth/local',
      headers: { 'content-type': 'application/json' },
      payload: { roles: ['admin'] },
    });
    const token = cookiesOf(ok.headers['set-cookie']).get('crm_session') as string;
    const refused = await local.inject({
      method: 'POST',
      url: '/auth/logout',
      headers: { cookie: `crm_session=${token}` },
    });
    expect(refused.statusCode).toBe(403);
    const out = await local.inject({
      method: 'POST',
      url: '/auth/logout',
      headers: { cookie: `crm_session=${token}`, 'x-csrf-token': ok.json().csrfToken },
    });
    expect(out.statusCode).toBe(204);
    expect(String(out.headers['set-cookie'])).toMatch(/^crm_session=; Path=\/; Max-Age=0/);
  });

  it('says the console is not built rather than sending an empty page, and leaves /api to the API', async () => {
    const page = await local.inject({ method: 'GET', url: '/contacts' });
    expect(page.statusCode).toBe(404);
    expect(page.json()).toMatchObject({ code: 'CONSOLE_NOT_BUILT' });
    const api = await local.inject({ method: 'GET', url: '/api/v2/nothing' });
    expect(api.statusCode).toBe(404);
    expect(api.json()).not.toMatchObject({ code: 'CONSOLE_NOT_BUILT' });
  });
});
