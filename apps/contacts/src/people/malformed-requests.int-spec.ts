import { startContactsApp, type CallOptions, type ContactsTestApp } from '../testing/contacts-test-app';

const ok = { firstName: 'Ada', lastName: 'Lovelace' };
const someId = '0190f0f0-0000-7000-8000-000000000001';
const cursorOf = (values: unknown[]) => Buffer.from(JSON.stringify(values)).toString('base64url');

/** [what, method, path, request, status, a string the problem body must contain] */
type Case = [string, string, string, CallOptions, number, string];

describe('malformed requests get a 4xx problem naming the problem and write nothing (real Postgres)', () => {
  let t: ContactsTestApp;
  let personId: string;

  beforeAll(async () => {
    t = await startContactsApp('malformed');
    await t.call('POST', '/custom-fields', {
      body: { key: 'tier', label: 'Tier', type: 'enum', options: ['gold', 'silver'] },
    });
    personId = (
      await t.call<{ id: string }>('POST', '/contacts', { body: { ...ok, emails: [{ address: 'ada@example.com' }] } })
    ).body.id;
  });
  afterAll(() => t.close());

  const cases: () => Case[] = () => [
    ['missing firstName', 'POST', '/contacts', { body: { lastName: 'X' } }, 400, 'firstName'],
    ['missing lastName', 'POST', '/contacts', { body: { firstName: 'X' } }, 400, 'lastName'],
    ['firstName a number', 'POST', '/contacts', { body: { ...ok, firstName: 42 } }, 400, 'firstName'],
    ['empty firstName', 'POST', '/contacts', { body: { ...ok, firstName: '' } }, 400, 'firstName'],
    ['oversized lastName', 'POST', '/contacts', { body: { ...ok, lastName: 'x'.repeat(101) } }, 400, 'lastName'],
    ['oversized city', 'POST', '/contacts', { body: { ...ok, city: 'x'.repeat(101) } }, 400, 'city'],
    [
      'bad email',
      'POST',
      '/contacts',
      { body: { ...ok, emails: [{ address: 'not-an-email' }] } },
      400,
      'emails.0.address',
    ],
    [
      'oversized email',
      'POST',
      '/contacts',
      { body: { ...ok, emails: [{ address: `${'a'.repeat(250)}@example.com` }] } },
      400,
      'emails.0.address',
    ],
    [
      'email primary not a boolean',
      'POST',
      '/contacts',
      { body: { ...ok, emails: [{ address: 'a@b.co', primary: 'yes' }] } },
      400,
      'emails.0.primary',
    ],
    ['emails not a list', 'POST', '/contacts', { body: { ...ok, emails: 'a@b.co' } }, 400, 'emails'],
    [
      'too many emails',
      'POST',
      '/contacts',
      { body: { ...ok, emails: Array.from({ length: 11 }, (_, i) => ({ address: `a${i}@b.co` })) } },
      400,
      'emails',
    ],
    ['bad phone', 'POST', '/contacts', { body: { ...ok, phones: [{ number: '12345' }] } }, 400, 'phones.0.number'],
    [
      'phone of letters',
      'POST',
      '/contacts',
      { body: { ...ok, country: 'FR', phones: [{ number: 'call me maybe' }] } },
      400,
      'phones.0.number',
    ],
    [
      'unknown phone type',
      'POST',
      '/contacts',
      { body: { ...ok, phones: [{ number: '+33612345678', type: 'pager' }] } },
      400,
      'phones.0.type',
    ],
    ['unknown lifecycle stage', 'POST', '/contacts', { body: { ...ok, lifecycleStage: 'vip' } }, 400, 'lifecycleStage'],
    ['bad country', 'POST', '/contacts', { body: { ...ok, country: 'France' } }, 400, 'country'],
    [
      'bad address country',
      'POST',
      '/contacts',
      { body: { ...ok, address: { line1: '1 rue X', country: 'ZZ' } } },
      400,
      'address.country',
    ],
    ['bad birth date', 'POST', '/contacts', { body: { ...ok, birthDate: '31/12/1990' } }, 400, 'birthDate'],
    ['bad locale', 'POST', '/contacts', { body: { ...ok, locale: 'not a locale!' } }, 400, 'locale'],
    ['unknown field', 'POST', '/contacts', { body: { ...ok, shoeSize: 44 } }, 400, 'shoeSize'],
    [
      'unknown nested field',
      'POST',
      '/contacts',
      { body: { ...ok, source: { channel: 'web', colour: 'red' } } },
      400,
      'source.colour',
    ],
    [
      'unknown source channel',
      'POST',
      '/contacts',
      { body: { ...ok, source: { channel: 'pigeon' } } },
      400,
      'source.channel',
    ],
    [
      'bad referrer',
      'POST',
      '/contacts',
      { body: { ...ok, source: { channel: 'web', referrer: 'not a url' } } },
      400,
      'source.referrer',
    ],
    [
      'unknown social network',
      'POST',
      '/contacts',
      { body: { ...ok, socialProfiles: [{ network: 'myspace', handle: 'x' }] } },
      400,
      'socialProfiles.0.network',
    ],
    [
      'too many tags',
      'POST',
      '/contacts',
      { body: { ...ok, tags: Array.from({ length: 51 }, (_, i) => `t${i}`) } },
      400,
      'tags',
    ],
    ['tag with a newline', 'POST', '/contacts', { body: { ...ok, tags: ['ok', 'bad\ntag'] } }, 400, 'tags'],
    [
      'undefined custom field',
      'POST',
      '/contacts',
      { body: { ...ok, customFields: { nope: 1 } } },
      400,
      'customFields.nope',
    ],
    [
      'custom field value outside its options',
      'POST',
      '/contacts',
      { body: { ...ok, customFields: { tier: 'bronze' } } },
      400,
      'customFields.tier',
    ],
    [
      'custom fields not an object',
      'POST',
      '/contacts',
      { body: { ...ok, customFields: 'tier=gold' } },
      400,
      'customFields',
    ],
    ['accountId not a UUID', 'POST', '/contacts', { body: { ...ok, accountId: 'acme' } }, 400, 'accountId'],
    ['account that does not exist', 'POST', '/contacts', { body: { ...ok, accountId: someId } }, 400, 'accountId'],
    ['broken JSON', 'POST', '/contacts', { raw: '{"firstName": "X",' }, 400, 'MALFORMED_JSON'],
    ['a JSON array body', 'POST', '/contacts', { raw: '[1,2]' }, 400, 'body'],
    [
      'a body that is not JSON',
      'POST',
      '/contacts',
      { raw: '<firstName>Ada</firstName>', headers: { 'content-type': 'application/xml' } },
      415,
      'UNSUPPORTED_MEDIA_TYPE',
    ],
    ['bad id in path', 'GET', '/contacts/not-a-uuid', {}, 400, 'id'],
    ['bad id in a nested path', 'GET', '/contacts/123/timeline', {}, 400, 'id'],
    ['limit zero', 'GET', '/contacts?limit=0', {}, 400, 'limit'],
    ['limit too large', 'GET', '/contacts?limit=5000', {}, 400, 'limit'],
    ['limit not a number', 'GET', '/contacts?limit=ten', {}, 400, 'limit'],
    ['limit negative on a timeline', 'GET', `/contacts/${personId}/timeline?limit=-1`, {}, 400, 'limit'],
    ['garbage cursor', 'GET', '/contacts?cursor=@@@', {}, 400, 'cursor'],
    [
      'cursor of another sort',
      'GET',
      `/contacts?sort=name&cursor=${cursorOf(['-createdAt', 'x', someId])}`,
      {},
      400,
      'cursor',
    ],
    [
      'cursor with a forged id',
      'GET',
      `/contacts?sort=name&cursor=${cursorOf(['name', 'x', "1'; DROP TABLE people; --"])}`,
      {},
      400,
      'cursor',
    ],
    [
      'garbage timeline cursor',
      'GET',
      `/contacts/${personId}/timeline?cursor=${cursorOf(['yesterday', 'x'])}`,
      {},
      400,
      'cursor',
    ],
    ['unknown sort', 'GET', '/contacts?sort=shoeSize', {}, 400, 'sort'],
    ['relevance without q', 'GET', '/contacts?sort=relevance', {}, 400, 'sort'],
    ['unknown stage filter', 'GET', '/contacts?stage=vip', {}, 400, 'stage'],
    ['bad country filter', 'GET', '/contacts?country=FRA', {}, 400, 'country'],
    ['unknown query parameter', 'GET', '/contacts?colour=red', {}, 400, 'colour'],
    ['filter on an undefined custom field', 'GET', '/contacts?cf.shoe=44', {}, 400, 'cf.shoe'],
    ['custom field filter outside its options', 'GET', '/contacts?cf.tier=bronze', {}, 400, 'cf.tier'],
    ['oversized q', 'GET', `/contacts?q=${'x'.repeat(201)}`, {}, 400, 'q'],
    [
      'bad If-Match',
      'PATCH',
      `/contacts/${personId}`,
      { body: { city: 'X' }, headers: { 'if-match': 'soon' } },
      400,
      'If-Match',
    ],
    ['null for a required field', 'PATCH', `/contacts/${personId}`, { body: { lastName: null } }, 400, 'lastName'],
    ['version not a number', 'PATCH', `/contacts/${personId}`, { body: { version: 'one' } }, 400, 'version'],
    [
      'unknown consent channel',
      'POST',
      `/contacts/${personId}/consents`,
      { body: { channel: 'fax', purpose: 'marketing', granted: true, source: 'web' } },
      400,
      'channel',
    ],
    [
      'consent granted as a string',
      'POST',
      `/contacts/${personId}/consents`,
      { body: { channel: 'email', purpose: 'marketing', granted: 'yes', source: 'web' } },
      400,
      'granted',
    ],
    [
      'consent decided in the future',
      'POST',
      `/contacts/${personId}/consents`,
      {
        body: {
          channel: 'email',
          purpose: 'marketing',
          granted: true,
          source: 'web',
          decidedAt: '2999-01-01T00:00:00Z',
        },
      },
      400,
      'decidedAt',
    ],
    [
      'unknown activity type',
      'POST',
      `/contacts/${personId}/activities`,
      { body: { type: 'telegram', subject: 'x' } },
      400,
      'type',
    ],
    [
      'oversized activity subject',
      'POST',
      `/contacts/${personId}/activities`,
      { body: { type: 'note', subject: 'x'.repeat(201) } },
      400,
      'subject',
    ],
    ['merge source not a uuid', 'POST', `/contacts/${personId}/merge`, { body: { sourceId: 42 } }, 400, 'sourceId'],
    ['merge into itself', 'POST', `/contacts/${personId}/merge`, { body: { sourceId: personId } }, 400, 'sourceId'],
    [
      'erasure reason too long',
      'POST',
      `/contacts/${personId}/erasure`,
      { body: { reason: 'x'.repeat(501) } },
      400,
      'reason',
    ],
    ['account without a name', 'POST', '/accounts', { body: { domain: 'acme.example' } }, 400, 'name'],
    [
      'account with a bad domain',
      'POST',
      '/accounts',
      { body: { name: 'Acme', domain: 'not a domain' } },
      400,
      'domain',
    ],
    [
      'account with an unknown size band',
      'POST',
      '/accounts',
      { body: { name: 'Acme', sizeBand: 'huge' } },
      400,
      'sizeBand',
    ],
    [
      'custom field with a bad key',
      'POST',
      '/custom-fields',
      { body: { key: 'Bad Key', label: 'X', type: 'string' } },
      400,
      'key',
    ],
    [
      'custom field of an unknown type',
      'POST',
      '/custom-fields',
      { body: { key: 'k', label: 'X', type: 'colour' } },
      400,
      'type',
    ],
    [
      'enum custom field without options',
      'POST',
      '/custom-fields',
      { body: { key: 'k', label: 'X', type: 'enum' } },
      400,
      'options',
    ],
    [
      'custom field with a broken pattern',
      'POST',
      '/custom-fields',
      { body: { key: 'k', label: 'X', type: 'string', pattern: '([a-z' } },
      400,
      'pattern',
    ],
    [
      'custom field with a pattern that nests repetitions',
      'POST',
      '/custom-fields',
      { body: { key: 'k', label: 'X', type: 'string', pattern: '^(a+)+$' } },
      400,
      'pattern',
    ],
    [
      'custom field with a backreference',
      'POST',
      '/custom-fields',
      { body: { key: 'k', label: 'X', type: 'string', pattern: '(a)\\1' } },
      400,
      'pattern',
    ],
    ['a NUL byte in a name', 'POST', '/contacts', { body: { ...ok, firstName: 'Ada\u0000' } }, 400, 'firstName'],
    [
      'a NUL byte in a custom field value',
      'POST',
      '/contacts',
      { body: { ...ok, customFields: { tier: 'gold\u0000' } } },
      400,
      'customFields.tier',
    ],
    ['a NUL byte in a PATCH', 'PATCH', `/contacts/${personId}`, { body: { city: 'Paris\u0000' } }, 400, 'city'],
    ['a NUL byte in an account name', 'POST', '/accounts', { body: { name: 'Acme\u0000' } }, 400, 'name'],
    ['a NUL byte in q', 'GET', '/contacts?q=ada%00', {}, 400, '"q"'],
    [
      'a lone surrogate in a name',
      'POST',
      '/contacts',
      { raw: '{"firstName": "\\ud800", "lastName": "X"}' },
      400,
      'firstName',
    ],
    [
      'a lone surrogate in an activity subject',
      'POST',
      `/contacts/${personId}/activities`,
      { raw: '{"type": "note", "subject": "x\\udfff"}' },
      400,
      'subject',
    ],
    [
      'JSON nested 100,000 deep',
      'POST',
      '/contacts',
      { raw: `{"firstName":"A","lastName":"B","customFields":${'['.repeat(100_000)}${']'.repeat(100_000)}}` },
      400,
      'customFields',
    ],
    [
      'JSON nested 100,000 deep in a PATCH',
      'PATCH',
      `/contacts/${personId}`,
      { raw: `{"address":${'{"a":'.repeat(100_000)}1${'}'.repeat(100_000)}}` },
      400,
      'address',
    ],
    [
      'a relevance cursor with a text score',
      'GET',
      `/contacts?q=ada&cursor=${cursorOf(['relevance', 'abc', someId])}`,
      {},
      400,
      'cursor',
    ],
    [
      'a name cursor with a number',
      'GET',
      `/contacts?sort=name&cursor=${cursorOf(['name', 42, someId])}`,
      {},
      400,
      'cursor',
    ],
    ['an address that is a list', 'POST', '/contacts', { body: { ...ok, address: [] } }, 400, 'address'],
    [
      'an address that is a list in a PATCH',
      'PATCH',
      `/contacts/${personId}`,
      { body: { address: [{ line1: 'x' }] } },
      400,
      'address',
    ],
    ['a blank firstName', 'POST', '/contacts', { body: { ...ok, firstName: '   ' } }, 400, 'firstName'],
    ['a blank lastName in a PATCH', 'PATCH', `/contacts/${personId}`, { body: { lastName: '\t ' } }, 400, 'lastName'],
    ['a blank account name', 'POST', '/accounts', { body: { name: '  ' } }, 400, 'name'],
    ['a birth date in the future', 'POST', '/contacts', { body: { ...ok, birthDate: '2999-01-01' } }, 400, 'birthDate'],
    [
      'a birth date in the future in a PATCH',
      'PATCH',
      `/contacts/${personId}`,
      { body: { birthDate: '2999-01-01' } },
      400,
      'birthDate',
    ],
    ['a repeated stage filter', 'GET', '/contacts?stage=lead&stage=customer', {}, 400, 'only once'],
    ['a repeated q', 'GET', '/contacts?q=a&q=b', {}, 400, 'only once'],
    [
      'too many tag filters',
      'GET',
      `/contacts?${Array.from({ length: 21 }, (_, i) => `tag=t${i}`).join('&')}`,
      {},
      400,
      'tag',
    ],
    ['PUT on the people collection', 'PUT', '/contacts', { body: ok }, 405, 'METHOD_NOT_ALLOWED'],
    ['DELETE on the people collection', 'DELETE', '/contacts', {}, 405, 'METHOD_NOT_ALLOWED'],
    ['DELETE on a person', 'DELETE', `/contacts/${personId}`, {}, 405, 'METHOD_NOT_ALLOWED'],
    ['PUT on the accounts collection', 'PUT', '/accounts', { body: { name: 'X' } }, 405, 'METHOD_NOT_ALLOWED'],
    ['a path parameter far too long', 'GET', `/contacts/${'a'.repeat(500)}`, {}, 414, 'PATH_TOO_LONG'],
    ['a path that does not percent-decode', 'GET', '/contacts/%E0%A4%A', {}, 400, 'path'],
  ];

  it('covers at least 30 kinds of malformed request', () => {
    expect(cases().length).toBeGreaterThanOrEqual(30);
  });

  it('answers a 405 with Allow, and a problem instance with the path the client used through the gateway', async () => {
    const res = await t.call<{ instance: string }>('PUT', '/contacts', {
      body: ok,
      headers: { 'x-forwarded-prefix': '/api/v1' },
    });
    expect(res.headers.get('allow')).toBe('GET, HEAD, POST');
    expect(res.body.instance).toBe('/api/v1/contacts');
  });

  it('answers headers too large with 431 problem+json', async () => {
    const res = await t.call<{ code: string }>('GET', `/contacts/${personId}`, {
      headers: { 'x-big': 'x'.repeat(20_000) },
    });
    expect(res.status).toBe(431);
    expect(res.headers.get('content-type')).toContain('application/problem+json');
    expect(res.body.code).toBe('HEADERS_TOO_LARGE');
  });

  it('answers a create with Location naming the new resource, behind the gateway prefix too', async () => {
    const direct = await t.call<{ id: string }>('POST', '/accounts', { body: { name: 'Located' } });
    expect(direct.status).toBe(201);
    expect(direct.headers.get('location')).toBe(`/accounts/${direct.body.id}`);
    const proxied = await t.call<{ id: string }>('POST', '/contacts', {
      body: { firstName: 'Lo', lastName: 'Cated' },
      headers: { 'x-forwarded-prefix': '/api/v1' },
    });
    expect(proxied.headers.get('location')).toBe(`/api/v1/contacts/${proxied.body.id}`);
    const note = await t.call('POST', `/contacts/${proxied.body.id}/activities`, {
      body: { type: 'note', subject: 'hi' },
    });
    expect(note.headers.get('location')).toBe(`/contacts/${proxied.body.id}/activities`);
  });

  it('stores a name given with surrounding spaces trimmed', async () => {
    const res = await t.call<{ firstName: string; displayName: string }>('POST', '/contacts', {
      body: { firstName: '  Ada ', lastName: ' Byron  ' },
    });
    expect(res.status).toBe(201);
    expect(res.body).toMatchObject({ firstName: 'Ada', displayName: 'Ada Byron' });
  });

  it.each(cases().map((c, i) => [c[0], i] as const))('%s', async (_label, i) => {
    const [, method, path, opts, status, named] = cases()[i];
    const tables = [
      'people',
      'outbox',
      'person_emails',
      'person_phones',
      'consent_history',
      'activities',
      'accounts',
      'custom_field_definitions',
    ];
    const counts = async () => {
      const out: number[] = [];
      for (const table of tables) out.push(await t.count(table));
      return out;
    };
    const before = await counts();
    const res = await t.call<{ status: number; code: string; errors?: { field: string }[] }>(method, path, opts);
    expect(res.status).toBe(status);
    expect(res.headers.get('content-type')).toContain('application/problem+json');
    expect(res.body.status).toBe(status);
    expect(res.body.code).toEqual(expect.any(String));
    expect(JSON.stringify(res.body)).toContain(named);
    expect(await counts()).toEqual(before);
  });
});
