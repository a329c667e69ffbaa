import { SERVICES } from '../routing/routing-table';
import { ConfigError } from '@crm/platform';
import { loadGatewaySettings } from './gateway-settings';

describe('loadGatewaySettings', () => {
  it('has defaults for everything', () => {
    const s = loadGatewaySettings({});
    expect(s).toMatchObject({
      bodyLimitBytes: 10 * 1024 * 1024,
      corsOrigins: [],
      customer360TimeoutMs: 1500,
      shutdownDrainMs: 8000,
    });
    expect(s.rateLimits).toEqual({
      user: { perMinute: 1200, burst: 200 },
      apiKey: { perMinute: 6000, burst: 600 },
      address: { perMinute: 300, burst: 30 },
    });
    expect(s.routes.services.map((r) => r.name)).toEqual(SERVICES.map((r) => r.name));
  });

  it('names every variable that is wrong in one error', () => {
    let error: unknown;
    try {
      loadGatewaySettings({ UPSTREAM_TIMEOUT_MS: '-1', SEARCH_TIMEOUT_MS: 'x' });
    } catch (e) {
      error = e;
    }
    expect((error as ConfigError).problems.map((p) => p.variable)).toEqual([
      'UPSTREAM_TIMEOUT_MS',
      'SEARCH_TIMEOUT_MS',
    ]);
  });

  it('names the variable that is wrong', () => {
    expect(() => loadGatewaySettings({ RATE_LIMIT_PER_MINUTE: '0' })).toThrow(ConfigError);
    expect(() => loadGatewaySettings({ RATE_LIMIT_PER_MINUTE: '0' })).toThrow(/RATE_LIMIT_PER_MINUTE/);
    expect(() => loadGatewaySettings({ CONTACTS_URL: 'nope' })).toThrow(/CONTACTS_URL/);
    expect(() => loadGatewaySettings({ BODY_LIMIT_BYTES: '1.5' })).toThrow(/BODY_LIMIT_BYTES/);
    expect(() => loadGatewaySettings({ CUSTOMER360_TIMEOUT_MS: 'soon' })).toThrow(/CUSTOMER360_TIMEOUT_MS/);
    expect(() => loadGatewaySettings({ CORS_ORIGINS: 'https://app.example.com/path' })).toThrow(/CORS_ORIGINS/);
  });

  it('reads a list of CORS origins', () => {
    expect(loadGatewaySettings({ CORS_ORIGINS: 'https://a.example.com, http://localhost:5173' }).corsOrigins).toEqual([
      'https://a.example.com',
      'http://localhost:5173',
    ]);
  });

  it('takes limits per credential kind, machine clients apart from people', () => {
    const s = loadGatewaySettings({
      RATE_LIMIT_PER_MINUTE: '60',
      RATE_LIMIT_API_KEY_PER_MINUTE: '120000',
      RATE_LIMIT_API_KEY_BURST: '2000',
      RATE_LIMIT_ADDRESS_BURST: '5',
    });
    expect(s.rateLimits).toEqual({
      user: { perMinute: 60, burst: 60 },
      apiKey: { perMinute: 120000, burst: 2000 },
      address: { perMinute: 300, burst: 5 },
    });
    expect(() => loadGatewaySettings({ RATE_LIMIT_API_KEY_BURST: '0' })).toThrow(/RATE_LIMIT_API_KEY_BURST/);
  });
});
