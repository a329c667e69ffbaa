import { RoutingTable, UnsafePathError, requiredPermission, SERVICES } from './routing-table';

describe('RoutingTable', () => {
  it('sends each first segment to the service that owns it, keeping the rest of the path and the query', () => {
    const table = RoutingTable.fromEnv({});
    expect(table.resolve('/contacts/42?fields=a,b')).toEqual({
      service: expect.objectContaining({ name: 'contacts' }),
      url: 'http://127.0.0.1:3001/contacts/42?fields=a,b',
      public: false,
    });
    expect(table.resolve('/accounts')?.service.name).toBe('contacts');
    expect(table.resolve('/custom-fields/x')?.service.name).toBe('contacts');
    expect(table.resolve('/analytics/customers/summary')?.url).toBe(
      'http://127.0.0.1:3005/analytics/customers/summary',
    );
  });

  it('owns nothing for an unknown segment or a segment that merely starts like a known one', () => {
    const table = RoutingTable.fromEnv({});
    expect(table.resolve('/fleet-cards/1')).toBeUndefined();
    expect(table.resolve('/contactsx/1')).toBeUndefined();
    expect(table.resolve('/')).toBeUndefined();
  });

  it('takes per-service URLs over SERVICE_URLS, and keeps a base path', () => {
    const table = RoutingTable.fromEnv({
      SERVICE_URLS: 'contacts=http://c:1, analytics=http://a:2/base/',
      CONTACTS_URL: 'https://contacts.internal:8443',
    });
    expect(table.resolve('/contacts')?.url).toBe('https://contacts.internal:8443/contacts');
    expect(table.resolve('/analytics/x?y=1')?.url).toBe('http://a:2/base/analytics/x?y=1');
  });

  it('adds a service it does not know from SERVICE_URLS, owning the segment of its name', () => {
    const table = RoutingTable.fromEnv({ SERVICE_URLS: 'fleet=http://fleet:3010' });
    expect(table.resolve('/fleet/vehicles')).toEqual({
      service: expect.objectContaining({ name: 'fleet' }),
      url: 'http://fleet:3010/fleet/vehicles',
      public: false,
    });
    expect(table.services.map((s) => s.name)).toEqual([...SERVICES.map((s) => s.name), 'fleet']);
  });

  it('opens only the public paths a service declares, for their methods, to callers without an identity', () => {
    const table = RoutingTable.fromEnv({});
    expect(table.isPublic('GET', '/t/o/01900000-0000-7000-8000-000000000000')).toBe(true);
    expect(table.isPublic('GET', '/t/c/abc?u=https%3A%2F%2Fexample.com')).toBe(true);
    expect(table.isPublic('POST', '/partner-exchange/v1/audiences')).toBe(true);
    expect(table.isPublic('GET', '/partner-exchange/v1/audiences')).toBe(false);
    expect(table.isPublic('POST', '/csat/a-token')).toBe(true);
    expect(table.isPublic('GET', '/csat/results')).toBe(false);
    expect(table.isPublic('POST', '/channels/webhook/email')).toBe(true);
    expect(table.isPublic('GET', '/channels/webhook/email')).toBe(false);
    expect(table.isPublic('GET', '/segments')).toBe(false);
    expect(table.isPublic('GET', '/t/o/x/../../segments')).toBe(false);
    expect(table.isPublic('DELETE', '/s/token')).toBe(false);
    expect(table.resolve('/t/o/1', 'GET')?.service.name).toBe('marketing');
  });

  it('refuses paths with dot segments, encoded or not', () => {
    const table = RoutingTable.fromEnv({});
    expect(() => table.resolve('/analytics/../contacts/1')).toThrow(UnsafePathError);
    expect(() => table.resolve('/analytics/%2e%2E/contacts')).toThrow(UnsafePathError);
    expect(() => table.resolve('/contacts/./1')).toThrow(UnsafePathError);
    expect(table.resolve('/contacts/1..2')?.service.name).toBe('contacts');
  });

  it('gives a service its own body limit, from its definition or <NAME>_BODY_LIMIT_BYTES', () => {
    const defs = [
      { name: 'contacts', defaultUrl: 'http://127.0.0.1:3001', segments: ['contacts'] },
      { name: 'files', defaultUrl: 'http://127.0.0.1:3009', segments: ['files'], bodyLimitBytes: 5000 },
    ];
    const table = RoutingTable.fromEnv({}, defs);
    expect(table.bodyLimit('/files/1/versions')).toBe(5000);
    expect(table.bodyLimit('/contacts/1')).toBeUndefined();
    expect(table.bodyLimit('/nobody')).toBeUndefined();
    expect(table.bodyLimit('/files/../contacts')).toBeUndefined();
    expect(RoutingTable.fromEnv({ FILES_BODY_LIMIT_BYTES: '7' }, defs).bodyLimit('/files')).toBe(7);
    expect(() => RoutingTable.fromEnv({ FILES_BODY_LIMIT_BYTES: 'lots' }, defs)).toThrow(/FILES_BODY_LIMIT_BYTES/);
  });

  it('gives a path its own body limit for its methods (a CSV import), from its definition or <NAME>_<KIND>_BODY_LIMIT_BYTES', () => {
    const table = RoutingTable.fromEnv({});
    const importLimit = 2 ** 30 + 2 ** 20;
    expect(table.bodyLimit('/imports', 'POST')).toBe(importLimit);
    expect(table.bodyLimit('/imports?dryRun=true', 'POST')).toBe(importLimit);
    expect(table.bodyLimit('/accounts/imports', 'POST')).toBe(importLimit);
    expect(table.bodyLimit('/orders/imports', 'POST')).toBe(importLimit);
    expect(table.bodyLimit('/partner-agreements/0190a000-0000-7000-8000-000000000001/imports', 'POST')).toBe(
      importLimit,
    );
    expect(table.resolve('/partner-files/1/content')?.service.name).toBe('marketing');
    // the rest of the service, and other methods on the same path, keep the service's limit
    expect(table.bodyLimit('/contacts', 'POST')).toBeUndefined();
    expect(table.bodyLimit('/imports/1/cancel', 'POST')).toBeUndefined();
    expect(table.bodyLimit('/imports', 'PUT')).toBeUndefined();
    expect(table.bodyLimit('/orders', 'POST')).toBeUndefined();
    expect(table.resolve('/imports', 'POST')?.bodyLimitBytes).toBe(importLimit);
    const env = { CONTACTS_IMPORT_BODY_LIMIT_BYTES: '4096', CONTACTS_BODY_LIMIT_BYTES: '2048' };
    const set = RoutingTable.fromEnv(env);
    expect(set.bodyLimit('/imports', 'POST')).toBe(4096);
    expect(set.bodyLimit('/contacts', 'POST')).toBe(2048);
    expect(set.bodyLimit('/orders/imports', 'POST')).toBe(importLimit);
    expect(() => RoutingTable.fromEnv({ SALES_IMPORT_BODY_LIMIT_BYTES: '-1' })).toThrow(
      /SALES_IMPORT_BODY_LIMIT_BYTES/,
    );
  });

  it('names the variable when a URL is unusable', () => {
    expect(() => RoutingTable.fromEnv({ CONTACTS_URL: 'not a url' })).toThrow(/CONTACTS_URL/);
    expect(() => RoutingTable.fromEnv({ ANALYTICS_URL: 'ftp://x' })).toThrow(/ANALYTICS_URL/);
    expect(() => RoutingTable.fromEnv({ SERVICE_URLS: 'nourl' })).toThrow(/SERVICE_URLS/);
    expect(() => RoutingTable.fromEnv({ SERVICE_URLS: 'x=http://u:p@h' })).toThrow(/credentials/);
  });

  it('refuses two services claiming one segment', () => {
    expect(
      () =>
        new RoutingTable([
          { name: 'a', baseUrl: 'http://a', segments: ['x'] },
          { name: 'b', baseUrl: 'http://b', segments: ['x'] },
        ]),
    ).toThrow(/claimed by both a and b/);
  });
});

describe('requiredPermission', () => {
  it('asks read for GET and HEAD and write for every other method', () => {
    expect(requiredPermission('GET', 'contacts')).toBe('contacts:read');
    expect(requiredPermission('HEAD', 'analytics')).toBe('analytics:read');
    for (const m of ['POST', 'PUT', 'PATCH', 'DELETE', 'OPTIONS'])
      expect(requiredPermission(m, 'contacts')).toBe('contacts:write');
  });
});
