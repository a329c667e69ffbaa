import { ConfigError, loadConfig } from './load-config';
import { ServiceConfig } from './service-config';

describe('loading configuration from the environment', () => {
  const good = { DATABASE_URL: 'postgres://postgres@127.0.0.1:5432/crm_contacts', AUTH_JWT_SECRET: 'x'.repeat(32) };

  it('reads and converts the variables, with defaults', () => {
    const c = loadConfig(ServiceConfig, { ...good, PORT: '3001' });
    expect(c.PORT).toBe(3001);
    expect(c.NATS_URL).toBe('nats://127.0.0.1:4222');
    expect(c.AUTH_ISSUER).toBe('crm-local');
  });

  it('names every missing or bad variable', () => {
    let error: ConfigError | undefined;
    try {
      loadConfig(ServiceConfig, { PORT: 'eighty', NATS_URL: 'http://wrong', AUTH_JWT_SECRET: 'short' });
    } catch (e) {
      error = e as ConfigError;
    }
    expect(error).toBeInstanceOf(ConfigError);
    const names = error!.problems.map((p) => p.variable);
    expect(names).toEqual(expect.arrayContaining(['PORT', 'DATABASE_URL', 'NATS_URL', 'AUTH_JWT_SECRET']));
    expect(error!.message).toContain('DATABASE_URL');
  });

  it('requires a way to verify tokens', () => {
    expect(() => loadConfig(ServiceConfig, { DATABASE_URL: good.DATABASE_URL })).toThrow(/AUTH_JWT_SECRET/);
  });
});
