import { DomainError, type Principal, type TokenVerifier, type VerifyOptions } from '@crm/platform';
import type { ApiKeysService } from '../api-keys/api-keys.service';
import { ConsoleSessions } from '../console/console-sessions';
import { AuthenticationFailed, CallerAuthenticator } from './caller-authenticator';

const user: Principal = { subject: 'u1', roles: ['sales'], permissions: ['contacts:read'], kind: 'user' };
const machine: Principal = { subject: 'api-key:1', roles: [], permissions: ['contacts:read'], kind: 'api-key' };

const verifier = {
  verify: async (token: string, options?: VerifyOptions) => {
    if (token === 'good.jwt.token') return user;
    if (token === 'internal.jwt.token' && options?.internal === 'refuse')
      throw new DomainError('TOKEN_INTERNAL', 'Internal tokens are not for clients', 'unauthenticated');
    if (token === 'jwks.down.token')
      throw new DomainError('AUTHENTICATION_UNAVAILABLE', 'keys unavailable', 'unavailable');
    throw new DomainError('TOKEN_EXPIRED', 'The bearer token has expired', 'unauthenticated');
  },
} as unknown as TokenVerifier;
const apiKeys = {
  authenticate: async (key: string) => (key === 'crm_good' ? machine : undefined),
} as unknown as ApiKeysService;

describe('CallerAuthenticator', () => {
  const callers = new CallerAuthenticator(verifier, apiKeys);

  it('takes a bearer JWT, an X-Api-Key, or an ApiKey authorization', async () => {
    await expect(callers.authenticate({ authorization: 'Bearer good.jwt.token' })).resolves.toBe(user);
    await expect(callers.authenticate({ authorization: 'bearer   good.jwt.token' })).resolves.toBe(user);
    await expect(callers.authenticate({ 'x-api-key': 'crm_good' })).resolves.toBe(machine);
    await expect(callers.authenticate({ authorization: 'ApiKey crm_good' })).resolves.toBe(machine);
  });

  it('gives no caller when there are no credentials', async () => {
    await expect(callers.authenticate({})).resolves.toBeUndefined();
  });

  it("says why it refuses, keeping the verifier's reason", async () => {
    await expect(callers.authenticate({ authorization: 'Bearer old' })).rejects.toThrow(
      new AuthenticationFailed('The bearer token has expired'),
    );
    await expect(callers.authenticate({ 'x-api-key': 'crm_revoked' })).rejects.toThrow(/not valid or has been revoked/);
    await expect(callers.authenticate({ authorization: 'Basic dXNlcjpwYXNz' })).rejects.toThrow(AuthenticationFailed);
    await expect(callers.authenticate({ authorization: 'Bearer' })).rejects.toThrow(/no credentials/);
  });

  it('refuses two credentials at once rather than pick one', async () => {
    await expect(
      callers.authenticate({ authorization: 'Bearer good.jwt.token', 'x-api-key': 'crm_good' }),
    ).rejects.toThrow(/not both/);
  });

  it("refuses the services' internal tokens as client credentials", async () => {
    await expect(callers.authenticate({ authorization: 'Bearer internal.jwt.token' })).rejects.toThrow(
      new AuthenticationFailed('Internal tokens are not for clients'),
    );
  });

  it('passes an identity provider outage on as such, not as a refused token', async () => {
    await expect(callers.authenticate({ authorization: 'Bearer jwks.down.token' })).rejects.toMatchObject({
      code: 'AUTHENTICATION_UNAVAILABLE',
    });
  });

  describe("with the console's session cookie", () => {
    const sessions = new ConsoleSessions('c'.repeat(40));
    const withSessions = new CallerAuthenticator(verifier, apiKeys, sessions);
    const csrf = sessions.csrfFor('good.jwt.token');

    it('takes the cookie as a bearer token when its CSRF token comes with it', async () => {
      await expect(
        withSessions.authenticate({ cookie: 'crm_session=good.jwt.token', 'x-csrf-token': csrf }),
      ).resolves.toBe(user);
    });

    it('refuses the cookie alone (a request another site made the browser send)', async () => {
      await expect(withSessions.authenticate({ cookie: 'crm_session=good.jwt.token' })).rejects.toThrow(
        AuthenticationFailed,
      );
      await expect(
        withSessions.authenticate({ cookie: 'crm_session=good.jwt.token', 'x-csrf-token': sessions.csrfFor('other') }),
      ).rejects.toThrow(/X-CSRF-Token/);
    });

    it('checks the cookie token like a bearer one, and lets an explicit credential win', async () => {
      await expect(
        withSessions.authenticate({ cookie: 'crm_session=old', 'x-csrf-token': sessions.csrfFor('old') }),
      ).rejects.toThrow(new AuthenticationFailed('The bearer token has expired'));
      await expect(withSessions.authenticate({ cookie: 'crm_session=old', 'x-api-key': 'crm_good' })).resolves.toBe(
        machine,
      );
    });

    it('ignores cookies when no console is wired in', async () => {
      await expect(
        callers.authenticate({ cookie: 'crm_session=good.jwt.token', 'x-csrf-token': csrf }),
      ).resolves.toBeUndefined();
    });
  });
});
