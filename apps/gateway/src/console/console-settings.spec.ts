import { ConfigError } from '@crm/platform';
import { loadConsoleSettings } from './console-settings';

const secret = { AUTH_JWT_SECRET: 's'.repeat(40) };

describe('loadConsoleSettings', () => {
  it('keeps local sign-in off unless asked, with an 8-hour session', () => {
    expect(loadConsoleSettings({}, secret)).toMatchObject({
      localSignIn: false,
      sessionTtlSeconds: 28800,
      oidc: undefined,
    });
    expect(loadConsoleSettings({ CONSOLE_LOCAL_SIGNIN: 'true' }, secret).localSignIn).toBe(true);
  });

  it('reads an OIDC client, trimming the issuer', () => {
    expect(
      loadConsoleSettings(
        { CONSOLE_OIDC_ISSUER: 'https://id.example/realms/crm/', CONSOLE_OIDC_CLIENT_ID: 'console' },
        secret,
      ).oidc,
    ).toEqual({
      issuer: 'https://id.example/realms/crm',
      clientId: 'console',
      clientSecret: undefined,
      scopes: 'openid profile email',
      redirectUrl: undefined,
    });
  });

  it('stops the gateway naming each bad variable', () => {
    const bad = () =>
      loadConsoleSettings(
        {
          CONSOLE_LOCAL_SIGNIN: 'yes',
          CONSOLE_SESSION_TTL_SECONDS: '5',
          CONSOLE_OIDC_ISSUER: 'ftp://id',
          CONSOLE_COOKIE_SECURE: 'maybe',
        },
        secret,
      );
    expect(bad).toThrow(ConfigError);
    try {
      bad();
    } catch (error) {
      const names = (error as ConfigError).problems.map((p) => p.variable);
      expect(names).toEqual(
        expect.arrayContaining([
          'CONSOLE_LOCAL_SIGNIN',
          'CONSOLE_SESSION_TTL_SECONDS',
          'CONSOLE_OIDC_ISSUER',
          'CONSOLE_OIDC_CLIENT_ID',
          'CONSOLE_COOKIE_SECURE',
        ]),
      );
    }
  });

  it('refuses local sign-in without an HS256 secret to sign its sessions', () => {
    expect(() => loadConsoleSettings({ CONSOLE_LOCAL_SIGNIN: 'true' }, {})).toThrow(/AUTH_JWT_SECRET/);
  });
});
