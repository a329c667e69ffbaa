import { startContactsApp, type ContactsTestApp } from '../testing/contacts-test-app';

describe('custom fields (real Postgres)', () => {
  let t: ContactsTestApp;

  beforeAll(async () => {
    t = await startContactsApp('custom_fields');
    for (const body of [
      { key: 'clearance', label: 'Clearance', type: 'enum', options: ['secret', 'top'], required: true },
      { key: 'badge', label: 'Badge', type: 'string', pattern: '^[A-Z]{2}[0-9]{4}$', maxLength: 6 },
      { key: 'missions', label: 'Missions', type: 'number' },
      { key: 'renewal', label: 'Renewal', type: 'date' },
      { key: 'astronaut', label: 'Astronaut', type: 'boolean' },
    ]) {
      expect((await t.call('POST', '/custom-fields', { body })).status).toBe(201);
    }
  });
  afterAll(() => t.close());

  it('lists the definitions and refuses a second one with the same key', async () => {
    const list = await t.call<{ key: string; type: string; required: boolean }[]>('GET', '/custom-fields');
    expect(list.body.map((d) => d.key)).toEqual(['astronaut', 'badge', 'clearance', 'missions', 'renewal']);
    const again = await t.call<{ code: string }>('POST', '/custom-fields', {
      body: { key: 'badge', label: 'Again', type: 'string' },
    });
    expect(again.status).toBe(409);
    expect(again.body.code).toBe('CUSTOM_FIELD_EXISTS');
  });

  it('accepts values of the defined types', async () => {
    const customFields = { clearance: 'top', badge: 'NA1234', missions: 3, renewal: '2027-01-31', astronaut: true };
    const ok = await t.call<{ customFields: Record<string, unknown> }>('POST', '/contacts', {
      body: { firstName: 'Dorothy', lastName: 'Vaughan', customFields },
    });
    expect(ok.status).toBe(201);
    expect(ok.body.customFields).toEqual(customFields);
  });

  it('names each bad value as customFields.<key>', async () => {
    const bad = await t.call<{ code: string; errors: { field: string; message: string }[] }>('POST', '/contacts', {
      body: {
        firstName: 'D',
        lastName: 'V',
        customFields: {
          clearance: 'cosmic',
          badge: 'na-12',
          missions: 'many',
          renewal: '31/01/2027',
          astronaut: 'yes',
        },
      },
    });
    expect(bad.status).toBe(400);
    expect(bad.body.code).toBe('VALIDATION_FAILED');
    expect(bad.body.errors.map((e) => e.field).sort()).toEqual(
      [
        'customFields.astronaut',
        'customFields.badge',
        'customFields.clearance',
        'customFields.missions',
        'customFields.renewal',
      ].sort(),
    );
    const missing = await t.call<{ errors: { field: string; message: string }[] }>('POST', '/contacts', {
      body: { firstName: 'D', lastName: 'V', customFields: { missions: 1 } },
    });
    expect(missing.body.errors).toEqual([{ field: 'customFields.clearance', message: 'is required' }]);
  });

  it('lets a change leave required fields out, clears optional ones with null, and refuses clearing a required one', async () => {
    const id = (
      await t.call<{ id: string }>('POST', '/contacts', {
        body: { firstName: 'Mary', lastName: 'Jackson', customFields: { clearance: 'secret', missions: 2 } },
      })
    ).body.id;
    const changed = await t.call<{ customFields: Record<string, unknown> }>('PATCH', `/contacts/${id}`, {
      body: { customFields: { missions: null, astronaut: false } },
    });
    expect(changed.status).toBe(200);
    expect(changed.body.customFields).toEqual({ clearance: 'secret', astronaut: false });
    const refused = await t.call<{ errors: { field: string }[] }>('PATCH', `/contacts/${id}`, {
      body: { customFields: { clearance: null } },
    });
    expect(refused.status).toBe(400);
    expect(refused.body.errors[0].field).toBe('customFields.clearance');
  });
});
