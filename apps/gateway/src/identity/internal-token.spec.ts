import { decodeProtectedHeader, jwtVerify } from 'jose';
import { InternalTokenSigner } from './internal-token';

const secret = 'x'.repeat(40);
const principal = { subject: 'u1', name: 'Ada', roles: ['sales'], permissions: ['contacts:read', 'contacts:write'], kind: 'user' as const };

describe('InternalTokenSigner', () => {
  it('signs an HS256 token for 60 s carrying subject, roles, explicit permissions and kind', async () => {
    const signer = new InternalTokenSigner({ secret, issuer: 'crm-local', audience: 'crm' });
    const token = await signer.tokenFor(principal);
    expect(decodeProtectedHeader(token).alg).toBe('HS256');
    const { payload } = await jwtVerify(token, new TextEncoder().encode(secret), { issuer: 'crm-local', audience: 'crm' });
    expect(payload).toMatchObject({ sub: 'u1', name: 'Ada', roles: ['sales'], permissions: ['contacts:read', 'contacts:write'], kind: 'user' });
    expect(payload.exp! - payload.iat!).toBe(60);
  });

  it('reuses a token while it has more than half its life left, then signs a new one', async () => {
    let now = 1_700_000_000_000;
    const signer = new InternalTokenSigner({ secret, issuer: 'i', audience: 'a', now: () => now });
    const first = await signer.tokenFor(principal);
    now += 29_000;
    expect(await signer.tokenFor(principal)).toBe(first);
    now += 2_000;
    expect(await signer.tokenFor(principal)).not.toBe(first);
  });

  it('never hands one caller the token of another', async () => {
    const signer = new InternalTokenSigner({ secret, issuer: 'i', audience: 'a' });
    const a = await signer.tokenFor(principal);
    const b = await signer.tokenFor({ ...principal, permissions: ['contacts:read'] });
    const c = await signer.tokenFor({ ...principal, subject: 'u2' });
    expect(new Set([a, b, c]).size).toBe(3);
  });
});
