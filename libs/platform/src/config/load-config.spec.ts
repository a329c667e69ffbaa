import { IsString, MinLength } from 'class-validator';
import { ConfigError, loadConfig } from './load-config';
import { ServiceConfig } from './service-config';

function configError(run: () => unknown): ConfigError {
  try {
    run();
  } catch (error) {
    expect(error).toBeInstanceOf(ConfigError);
    return error as ConfigError;
  }
  throw new Error('the configuration was accepted');
}

describe('loading configuration from the environment', () => {
  const good = { DATABASE_URL: 'postgres://postgres@127.0.0.1:5432/crm_contacts', AUTH_JWT_SECRET: 'x'.repeat(32) };

  it('reads and converts the variables, with defaults', () => {
    const c = loadConfig(ServiceConfig, { ...good, PORT: '3001' });
    expect(c).toBeInstanceOf(ServiceConfig);
    expect(c.PORT).toBe(3001);
    expect(c.DATABASE_URL).toBe(good.DATABASE_URL);
    expect(c.NATS_URL).toBe('nats://127.0.0.1:4222');
    expect(c.AUTH_ISSUER).toBe('crm-local');
    expect(c.AUTH_AUDIENCE).toBe('crm');
    expect(c.LOG_LEVEL).toBe('info');
    expect(c.BODY_LIMIT_BYTES).toBe(1024 * 1024);
  });

  it('names a missing variable', () => {
    const error = configError(() => loadConfig(ServiceConfig, { AUTH_JWT_SECRET: good.AUTH_JWT_SECRET }));
    expect(error.problems.map((p) => p.variable)).toEqual(['DATABASE_URL']);
    expect(error.message).toMatch(/^Invalid configuration:\n {2}DATABASE_URL: /);
  });

  it('names every missing or bad variable at once', () => {
    const error = configError(() =>
      loadConfig(ServiceConfig, {
        PORT: 'eighty',
        DATABASE_URL: 'mysql://db/x',
        NATS_URL: 'http://wrong',
        AUTH_JWT_SECRET: 'short',
        LOG_LEVEL: 'loud',
      }),
    );
    const names = error.problems.map((p) => p.variable);
    expect(names).toEqual(expect.arrayContaining(['PORT', 'DATABASE_URL', 'NATS_URL', 'AUTH_JWT_SECRET', 'LOG_LEVEL']));
    for (const name of names) expect(error.message).toContain(name);
  });

  it('treats an empty value as missing', () => {
    expect(configError(() => loadConfig(ServiceConfig, { ...good, DATABASE_URL: '' })).problems[0].variable).toBe(
      'DATABASE_URL',
    );
  });

  it('requires a way to verify tokens: a secret, a JWKS URL, or both', () => {
    expect(configError(() => loadConfig(ServiceConfig, { DATABASE_URL: good.DATABASE_URL })).message).toContain(
      'AUTH_JWKS_URL',
    );
    const jwksOnly = loadConfig(ServiceConfig, {
      DATABASE_URL: good.DATABASE_URL,
      AUTH_JWKS_URL: 'https://login.example.com/.well-known/jwks.json',
    });
    expect(jwksOnly.AUTH_JWT_SECRET).toBeUndefined();
    expect(
      configError(() => loadConfig(ServiceConfig, { ...good, AUTH_JWKS_URL: 'ftp://x' })).problems[0].variable,
    ).toBe('AUTH_JWKS_URL');
  });

  it('checks the role map override', () => {
    expect(
      loadConfig(ServiceConfig, { ...good, AUTH_ROLE_PERMISSIONS: '{"auditor":["analytics:read"]}' })
        .AUTH_ROLE_PERMISSIONS,
    ).toBeDefined();
    const error = configError(() =>
      loadConfig(ServiceConfig, { ...good, AUTH_ROLE_PERMISSIONS: '{"auditor":"analytics:read"}' }),
    );
    expect(error.problems).toEqual([
      { variable: 'AUTH_ROLE_PERMISSIONS', message: expect.stringContaining('auditor') },
    ]);
  });

  it('works for a service’s own settings class', () => {
    class MailSettings {
      @IsString()
      @MinLength(3)
      SMTP_HOST!: string;
    }
    expect(loadConfig(MailSettings, { SMTP_HOST: 'mail.local' }).SMTP_HOST).toBe('mail.local');
    expect(configError(() => loadConfig(MailSettings, {})).problems[0].variable).toBe('SMTP_HOST');
  });
});
