import { startContactsApp, type ContactsTestApp } from '../testing/contacts-test-app';

describe('custom field patterns cannot stall the service (real Postgres)', () => {
  let t: ContactsTestApp;

  beforeAll(async () => {
    t = await startContactsApp('regex_dos');
  });
  afterAll(() => t.close());

  it('refuses a pattern that nests repetitions when the field is defined, naming pattern', async () => {
    const before = await t.count('custom_field_definitions');
    const res = await t.call<{ code: string; errors: { field: string }[] }>('POST', '/custom-fields', {
      body: { key: 'evil', label: 'Evil', type: 'string', pattern: '^(a+)+$' },
    });
    expect(res.status).toBe(400);
    expect(res.body.errors.map((e) => e.field)).toEqual(['pattern']);
    expect(await t.count('custom_field_definitions')).toBe(before);
  });

  it('checks a value against an evil pattern stored before the check existed quickly, and liveness keeps answering', async () => {
    await t.db.query(`INSERT INTO custom_field_definitions (key, label, type, required, options, pattern, max_length)
                      VALUES ('legacy', 'Legacy', 'string', false, NULL, '^(a+)+$', 10000)`);
    const started = Date.now();
    const [create, live] = await Promise.all([
      t.call<{ errors: { field: string }[] }>('POST', '/contacts', {
        body: { firstName: 'Evil', lastName: 'Input', customFields: { legacy: `${'a'.repeat(5000)}!` } },
      }),
      new Promise((r) => setTimeout(r, 20)).then(() => t.call('GET', '/health/live', { token: null })),
    ]);
    expect(Date.now() - started).toBeLessThan(1000);
    expect(create.status).toBe(400);
    expect(create.body.errors.map((e) => e.field)).toEqual(['customFields.legacy']);
    expect(live.status).toBe(200);
  });
});
