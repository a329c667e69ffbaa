import { decodeProtectedHeader, jwtVerify } from 'jose';
import { INTERNAL_TOKEN_AUDIENCE, INTERNAL_TOKEN_ISSUER, INTERNAL_TOKEN_TYPE, TokenVerifier } from '@crm/platform';
import { InternalTokenSigner } from './internal-token';

const secret = 'x'.repeat(40);
const principal = {
  subject: 'u1',
  name: 'Ada',
  roles: ['sales'],
  permissions: ['contacts:read', 'contacts:write'],
  kind: 'user' as const,
};

describe('InternalTokenSigner', () => {
  it('signs an internal HS256 token for 60 s (own type, issuer and audience) carrying subject, roles, explicit permissions and kind', async () => {
    const signer = new InternalTokenSigner({ secret });
    const token = await signer.tokenFor(principal);
    expect(decodeProtectedHeader(token)).toMatchObject({ alg: 'HS256', typ: INTERNAL_TOKEN_TYPE });
    const { payload } = await jwtVerify(token, new TextEncoder().encode(secret), {
      issuer: INTERNAL_TOKEN_ISSUER,
      audience: INTERNAL_TOKEN_AUDIENCE,
    });
    expect(payload).toMatchObject({
      sub: 'u1',
      name: 'Ada',
      roles: ['sales'],
      permissions: ['contacts:read', 'contacts:write'],
      kind: 'user',
    });
    expect(payload.exp! - payload.iat!).toBe(60);
  });

  it('reuses a token while it has more than half its life left, then signs a new one', async () => {
    let now = 1_700_000_000_000;
    const signer = new InternalTokenSigner({ secret, now: () => now });
    const first = await signer.tokenFor(principal);
    now += 29_000;
    expect(await signer.tokenFor(principal)).toBe(first);
    now += 2_000;
    expect(await signer.tokenFor(principal)).not.toBe(first);
  });

  it('never hands one caller the token of another', async () => {
    const signer = new InternalTokenSigner({ secret });
    const a = await signer.tokenFor(principal);
    const b = await signer.tokenFor({ ...principal, permissions: ['contacts:read'] });
    const c = await signer.tokenFor({ ...principal, subject: 'u2' });
    expect(new Set([a, b, c]).size).toBe(3);
  });

  it('gives a token services accept as the caller, but one that is no user token: wrong audience for the user path', async () => {
    const token = await new InternalTokenSigner({ secret }).tokenFor(principal);
    const verifier = new TokenVerifier({ secret, issuer: 'crm-local', audience: 'crm' });
    await expect(verifier.verify(token)).resolves.toMatchObject({
      subject: 'u1',
      permissions: ['contacts:read', 'contacts:write'],
    });
    await expect(verifier.verify(token, { internal: 'refuse' })).rejects.toMatchObject({ code: 'TOKEN_INTERNAL' });
    await expect(jwtVerify(token, new TextEncoder().encode(secret), { audience: 'crm' })).rejects.toThrow();
  });
});
