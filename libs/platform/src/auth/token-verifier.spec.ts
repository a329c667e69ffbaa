import { createServer, type Server } from 'node:http';
import { exportJWK, generateKeyPair, SignJWT } from 'jose';
import { DomainError } from '../errors/domain-error';
import { signDevToken } from './dev-token';
import { INTERNAL_TOKEN_AUDIENCE, INTERNAL_TOKEN_ISSUER, INTERNAL_TOKEN_TYPE } from './internal-token';
import { grants } from './permissions';
import { TokenVerifier } from './token-verifier';

const SECRET = 'verifier-spec-secret-0123456789abcdef';

async function codeOf(p: Promise<unknown>): Promise<string> {
  try {
    await p;
    return 'accepted';
  } catch (error) {
    expect(error).toBeInstanceOf(DomainError);
    expect((error as DomainError).kind).toBe('unauthenticated');
    return (error as DomainError).code;
  }
}

describe('token verification', () => {
  let server: Server;
  let jwksUrl: string;
  let rsaPrivate: Awaited<ReturnType<typeof generateKeyPair>>['privateKey'];
  let ecPrivate: Awaited<ReturnType<typeof generateKeyPair>>['privateKey'];
  let verifier: TokenVerifier;

  beforeAll(async () => {
    const { publicKey, privateKey } = await generateKeyPair('RS256');
    rsaPrivate = privateKey;
    const jwk = { ...(await exportJWK(publicKey)), kid: 'k1', alg: 'RS256', use: 'sig' };
    const ec = await generateKeyPair('ES256');
    ecPrivate = ec.privateKey;
    const ecJwk = { ...(await exportJWK(ec.publicKey)), kid: 'k2', alg: 'ES256', use: 'sig' };
    server = createServer((_, res) => {
      res.setHeader('content-type', 'application/json');
      res.end(JSON.stringify({ keys: [jwk, ecJwk] }));
    });
    await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
    jwksUrl = `http://127.0.0.1:${(server.address() as { port: number }).port}/jwks.json`;
    verifier = new TokenVerifier({ secret: SECRET, jwksUrl, issuer: 'crm-local', audience: 'crm' });
  });

  afterAll(() => new Promise<void>((r) => server.close(() => r())));

  const rs256 = (claims: Record<string, unknown> = {}, iss = 'crm-local') =>
    new SignJWT({ roles: ['sales'], ...claims })
      .setProtectedHeader({ alg: 'RS256', kid: 'k1' })
      .setSubject('oidc-user')
      .setIssuer(iss)
      .setAudience('crm')
      .setExpirationTime('5m')
      .sign(rsaPrivate);

  it('accepts a local HS256 token and maps its roles to permissions', async () => {
    const p = await verifier.verify(await signDevToken({ secret: SECRET, subject: 'u1', roles: ['support'] }));
    expect(p.subject).toBe('u1');
    expect(grants(p.permissions, 'support:write')).toBe(true);
    expect(grants(p.permissions, 'contacts:write')).toBe(false);
  });

  it('uses an explicit permissions claim as it is', async () => {
    const p = await verifier.verify(
      await signDevToken({ secret: SECRET, subject: 'svc', roles: ['admin'], permissions: ['contacts:read'] }),
    );
    expect(p.permissions).toEqual(['contacts:read']);
  });

  it('reads the kind and name claims of service and api-key tokens', async () => {
    const p = await verifier.verify(
      await signDevToken({ secret: SECRET, subject: 'svc', kind: 'service', name: 'Relay', permissions: [] }),
    );
    expect(p).toEqual({ subject: 'svc', name: 'Relay', roles: [], permissions: [], kind: 'service' });
  });

  it('maps roles with an overriding role map', async () => {
    const custom = new TokenVerifier({
      secret: SECRET,
      issuer: 'crm-local',
      audience: 'crm',
      rolePermissions: { auditor: ['analytics:read'] },
    });
    const p = await custom.verify(await signDevToken({ secret: SECRET, subject: 'a', roles: ['auditor', 'admin'] }));
    expect(p.permissions).toEqual(['analytics:read']);
  });

  it('accepts an RS256 token signed by a key of the issuer JWKS', async () => {
    const p = await verifier.verify(await rs256());
    expect(p.subject).toBe('oidc-user');
    expect(grants(p.permissions, 'sales:write')).toBe(true);
  });

  it('accepts an ES256 token signed by another key of the JWKS', async () => {
    const es = await new SignJWT({ roles: ['analyst'] })
      .setProtectedHeader({ alg: 'ES256', kid: 'k2' })
      .setSubject('oidc-analyst')
      .setIssuer('crm-local')
      .setAudience('crm')
      .setExpirationTime('5m')
      .sign(ecPrivate);
    const p = await verifier.verify(es);
    expect(grants(p.permissions, 'sales:read')).toBe(true);
  });

  it.each([
    ['expired', () => signDevToken({ secret: SECRET, subject: 'u', expiresInSeconds: -60 }), 'TOKEN_EXPIRED'],
    ['wrong audience', () => signDevToken({ secret: SECRET, subject: 'u', audience: 'other' }), 'TOKEN_INVALID'],
    ['wrong issuer', () => signDevToken({ secret: SECRET, subject: 'u', issuer: 'evil' }), 'TOKEN_INVALID'],
    [
      'bad signature',
      () => signDevToken({ secret: 'another-secret-0123456789abcdefghijkl', subject: 'u' }),
      'TOKEN_INVALID',
    ],
    [
      'alg none',
      async () =>
        `${Buffer.from(JSON.stringify({ alg: 'none', typ: 'JWT' })).toString('base64url')}.${Buffer.from(
          JSON.stringify({ sub: 'u', iss: 'crm-local', aud: 'crm', exp: Math.floor(Date.now() / 1000) + 60 }),
        ).toString('base64url')}.`,
      'TOKEN_INVALID',
    ],
    ['garbage', async () => 'garbage', 'TOKEN_INVALID'],
    ['RS256 from the wrong issuer', () => rs256({}, 'evil'), 'TOKEN_INVALID'],
  ])('refuses a token that is %s', async (_label, make, code) => {
    expect(await codeOf(verifier.verify(await make()))).toBe(code);
  });

  it('refuses an HS256 token signed with the public key text (HS/RS confusion)', async () => {
    const jwks = (await (await fetch(jwksUrl)).json()) as { keys: Record<string, string>[] };
    const forged = await new SignJWT({ roles: ['admin'] })
      .setProtectedHeader({ alg: 'HS256', kid: 'k1' })
      .setSubject('mallory')
      .setIssuer('crm-local')
      .setAudience('crm')
      .setExpirationTime('5m')
      .sign(new TextEncoder().encode(JSON.stringify(jwks.keys[0])));
    expect(await codeOf(verifier.verify(forged))).toBe('TOKEN_INVALID');
  });

  const hs256 = (edit: (jwt: SignJWT) => SignJWT) =>
    edit(
      new SignJWT({ roles: ['sales'] })
        .setProtectedHeader({ alg: 'HS256' })
        .setSubject('u')
        .setIssuer('crm-local')
        .setAudience('crm'),
    ).sign(new TextEncoder().encode(SECRET));
  const now = () => Math.floor(Date.now() / 1000);

  it('refuses a token that is not valid yet, beyond a small clock tolerance', async () => {
    expect(
      await codeOf(verifier.verify(await hs256((j) => j.setNotBefore(now() + 120).setExpirationTime(now() + 600)))),
    ).toBe('TOKEN_INVALID');
    expect(
      await codeOf(verifier.verify(await hs256((j) => j.setNotBefore(now() + 2).setExpirationTime(now() + 600)))),
    ).toBe('accepted');
  });

  it('refuses a token without an expiry', async () => {
    expect(await codeOf(verifier.verify(await hs256((j) => j)))).toBe('TOKEN_INVALID');
  });

  it('refuses a token without a subject', async () => {
    const noSub = await new SignJWT({ roles: ['admin'] })
      .setProtectedHeader({ alg: 'HS256' })
      .setIssuer('crm-local')
      .setAudience('crm')
      .setExpirationTime('5m')
      .sign(new TextEncoder().encode(SECRET));
    expect(await codeOf(verifier.verify(noSub))).toBe('TOKEN_INVALID');
  });

  it('refuses an RS256 token signed by a key the issuer did not publish', async () => {
    const stranger = await generateKeyPair('RS256');
    const forged = await new SignJWT({ roles: ['admin'] })
      .setProtectedHeader({ alg: 'RS256', kid: 'k1' })
      .setSubject('mallory')
      .setIssuer('crm-local')
      .setAudience('crm')
      .setExpirationTime('5m')
      .sign(stranger.privateKey);
    expect(await codeOf(verifier.verify(forged))).toBe('TOKEN_INVALID');
  });

  it('refuses an HS384 token even with the right secret', async () => {
    const hs384 = await new SignJWT({})
      .setProtectedHeader({ alg: 'HS384' })
      .setSubject('u')
      .setIssuer('crm-local')
      .setAudience('crm')
      .setExpirationTime('5m')
      .sign(new TextEncoder().encode(SECRET));
    expect(await codeOf(verifier.verify(hs384))).toBe('TOKEN_INVALID');
  });

  const userWith = (
    claims: Record<string, unknown>,
    header: Record<string, unknown> = {},
    iss = 'crm-local',
    aud = 'crm',
  ) =>
    new SignJWT(claims)
      .setProtectedHeader({ alg: 'HS256', typ: 'JWT', ...header })
      .setSubject('mallory')
      .setIssuer(iss)
      .setAudience(aud)
      .setExpirationTime('5m')
      .sign(new TextEncoder().encode(SECRET));

  it('takes permissions only from internal tokens: a user token claiming ["*"] gets what its roles give', async () => {
    const p = await verifier.verify(await userWith({ roles: ['read-only'], permissions: ['*'], kind: 'service' }));
    expect(p.kind).toBe('user');
    expect(grants(p.permissions, 'contacts:read')).toBe(true);
    expect(grants(p.permissions, 'contacts:write')).toBe(false);
    expect(grants(p.permissions, 'gateway:admin')).toBe(false);
  });

  it('gives internal tokens their own type, issuer and audience', async () => {
    const token = await signDevToken({
      secret: SECRET,
      subject: 'u1',
      permissions: ['contacts:read'],
      kind: 'api-key',
    });
    const [header, payload] = token
      .split('.')
      .slice(0, 2)
      .map((part) => JSON.parse(Buffer.from(part, 'base64url').toString('utf8')));
    expect(header.typ).toBe(INTERNAL_TOKEN_TYPE);
    expect(payload).toMatchObject({
      iss: INTERNAL_TOKEN_ISSUER,
      aud: INTERNAL_TOKEN_AUDIENCE,
      permissions: ['contacts:read'],
      kind: 'api-key',
    });
    expect(await verifier.verify(token)).toMatchObject({
      subject: 'u1',
      permissions: ['contacts:read'],
      kind: 'api-key',
    });
  });

  it('refuses an internal token where the caller must be a client (the gateway), naming why', async () => {
    const token = await signDevToken({ secret: SECRET, subject: 'u1', permissions: ['*'] });
    await expect(verifier.verify(token, { internal: 'refuse' })).rejects.toMatchObject({
      code: 'TOKEN_INTERNAL',
      kind: 'unauthenticated',
    });
  });

  it('checks internal tokens with their own key when one is set, and user tokens never with it', async () => {
    const INTERNAL = 'internal-spec-secret-0123456789abcdefgh';
    const split = new TokenVerifier({ secret: SECRET, internalSecret: INTERNAL, issuer: 'crm-local', audience: 'crm' });
    expect(
      await codeOf(split.verify(await signDevToken({ secret: INTERNAL, subject: 'gw', permissions: ['*'] }))),
    ).toBe('accepted');
    // Signed with the user secret: a holder of user tokens' key cannot mint internal ones.
    expect(await codeOf(split.verify(await signDevToken({ secret: SECRET, subject: 'gw', permissions: ['*'] })))).toBe(
      'TOKEN_INVALID',
    );
    const internalKeyUserToken = await signDevToken({ secret: INTERNAL, subject: 'u', roles: ['admin'] });
    expect(await codeOf(split.verify(internalKeyUserToken))).toBe('TOKEN_INVALID');
  });

  it('refuses a user token dressed as internal by its claims or its header alone', async () => {
    expect(
      await codeOf(
        verifier.verify(await userWith({ permissions: ['*'] }, {}, INTERNAL_TOKEN_ISSUER, INTERNAL_TOKEN_AUDIENCE)),
      ),
    ).toBe('TOKEN_INVALID');
    expect(await codeOf(verifier.verify(await userWith({ permissions: ['*'] }, { typ: INTERNAL_TOKEN_TYPE })))).toBe(
      'TOKEN_INVALID',
    );
  });

  it('answers AUTHENTICATION_UNAVAILABLE (503), not 401, while the JWKS cannot be fetched', async () => {
    const broken = createServer((_, res) => res.writeHead(500).end('down'));
    await new Promise<void>((r) => broken.listen(0, '127.0.0.1', r));
    const brokenUrl = `http://127.0.0.1:${(broken.address() as { port: number }).port}/jwks.json`;
    const gone = createServer();
    await new Promise<void>((r) => gone.listen(0, '127.0.0.1', r));
    const goneUrl = `http://127.0.0.1:${(gone.address() as { port: number }).port}/jwks.json`;
    await new Promise<void>((r) => gone.close(() => r()));
    try {
      for (const url of [brokenUrl, goneUrl]) {
        const outage = new TokenVerifier({ jwksUrl: url, issuer: 'crm-local', audience: 'crm' });
        const error = await outage.verify(await rs256()).catch((e: unknown) => e);
        expect(error).toBeInstanceOf(DomainError);
        expect({ code: (error as DomainError).code, status: (error as DomainError).status }).toEqual({
          code: 'AUTHENTICATION_UNAVAILABLE',
          status: 503,
        });
      }
    } finally {
      await new Promise<void>((r) => broken.close(() => r()));
    }
  });

  it('remembers a verified token but never past its expiry, and still refuses it as internal at the front door', async () => {
    const strict = new TokenVerifier({
      secret: SECRET,
      issuer: 'crm-local',
      audience: 'crm',
      clockToleranceSeconds: 0,
    });
    const exp = Math.floor(Date.now() / 1000) + 2;
    const token = await new SignJWT({ roles: ['sales'] })
      .setProtectedHeader({ alg: 'HS256' })
      .setSubject('short-lived')
      .setIssuer('crm-local')
      .setAudience('crm')
      .setExpirationTime(exp)
      .sign(new TextEncoder().encode(SECRET));
    expect((await strict.verify(token)).subject).toBe('short-lived');
    expect((await strict.verify(token)).subject).toBe('short-lived');
    await new Promise((r) => setTimeout(r, exp * 1000 - Date.now() + 50));
    expect(await codeOf(strict.verify(token))).toBe('TOKEN_EXPIRED');

    const internal = await signDevToken({ secret: SECRET, subject: 'svc', roles: [], permissions: ['contacts:read'] });
    expect((await strict.verify(internal)).subject).toBe('svc');
    expect(await codeOf(strict.verify(internal, { internal: 'refuse' }))).toBe('TOKEN_INTERNAL');
  });

  it('refuses RS256 when only a shared secret is configured', async () => {
    const hsOnly = new TokenVerifier({ secret: SECRET, issuer: 'crm-local', audience: 'crm' });
    expect(await codeOf(hsOnly.verify(await rs256()))).toBe('TOKEN_INVALID');
  });
});
