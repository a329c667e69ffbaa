import { startMarketingApp, type CallOptions, type MarketingTestApp } from '../testing/marketing-test-app';

jest.setTimeout(60_000);

/** [what, method, path, request, status, a string the problem body must contain] */
type Case = [string, string, string, CallOptions, number, string];

const someId = '0190f0f0-0000-7000-8000-000000000001';
const agreement = (over: Record<string, unknown> = {}) => ({
  body: {
    name: 'A',
    purposes: ['marketing'],
    fields: ['emailHash'],
    validUntil: '2030-01-01T00:00:00Z',
    ...over,
  },
});

describe('malformed partner-sharing requests get a 4xx problem naming the field and write nothing (real Postgres)', () => {
  let t: MarketingTestApp;
  let partnerId: string;
  let agreementId: string;
  let segmentId: string;

  beforeAll(async () => {
    // https only here: PARTNER_ALLOW_HTTP stays off.
    t = await startMarketingApp('partners_malformed');
    partnerId = (
      await t.call<{ id: string }>('POST', '/partners', { body: { name: 'P', baseUrl: 'https://p.example' } })
    ).body.id;
    agreementId = (await t.call<{ id: string }>('POST', `/partners/${partnerId}/agreements`, agreement())).body.id;
    segmentId = (await t.call<{ id: string }>('POST', '/segments', { body: { name: 'S', kind: 'static' } })).body.id;
  });

  afterAll(async () => {
    await t?.close();
  });

  const cases = (): Case[] => [
    ['partner without name', 'POST', '/partners', { body: { baseUrl: 'https://p.example' } }, 400, 'name'],
    ['partner over http', 'POST', '/partners', { body: { name: 'P', baseUrl: 'http://p.example' } }, 400, 'baseUrl'],
    [
      'partner base URL with query',
      'POST',
      '/partners',
      { body: { name: 'P', baseUrl: 'https://p.example/?a=1' } },
      400,
      'baseUrl',
    ],
    [
      'partner contact email not an address',
      'POST',
      '/partners',
      { body: { name: 'P', baseUrl: 'https://p.example', contactEmail: 'x' } },
      400,
      'contactEmail',
    ],
    [
      'partner unknown field',
      'POST',
      '/partners',
      { body: { name: 'P', baseUrl: 'https://p.example', notes: 'free text' } },
      400,
      'notes',
    ],
    ['bad partner id', 'GET', '/partners/nope', {}, 400, 'id'],
    ['unknown partner', 'GET', `/partners/${someId}`, {}, 404, 'PARTNER_NOT_FOUND'],
    ['partner limit over 200', 'GET', '/partners?limit=500', {}, 400, 'limit'],
    [
      'partner bad If-Match',
      'PATCH',
      `/partners/${someId}`,
      { body: { name: 'x' }, headers: { 'if-match': 'soon' } },
      400,
      'If-Match',
    ],
    [
      'agreement free-text field',
      'POST',
      `/partners/${someId}/agreements`,
      agreement({ fields: ['emailHash', 'notes'] }),
      400,
      'fields',
    ],
    [
      'agreement unknown purpose',
      'POST',
      `/partners/${someId}/agreements`,
      agreement({ purposes: ['resale'] }),
      400,
      'purposes',
    ],
    [
      'agreement without purposes',
      'POST',
      `/partners/${someId}/agreements`,
      agreement({ purposes: [] }),
      400,
      'purposes',
    ],
    [
      'agreement duplicate field',
      'POST',
      `/partners/${someId}/agreements`,
      agreement({ fields: ['emailHash', 'emailHash'] }),
      400,
      'fields',
    ],
    [
      'agreement validUntil not a date',
      'POST',
      `/partners/${someId}/agreements`,
      agreement({ validUntil: 'soon' }),
      400,
      'validUntil',
    ],
    [
      'agreement k below 2',
      'POST',
      `/partners/${someId}/agreements`,
      agreement({ minAudienceSize: 1 }),
      400,
      'minAudienceSize',
    ],
    [
      'agreement key without exchange id',
      'POST',
      `/partners/${someId}/agreements`,
      agreement({ sharedKey: 'a'.repeat(43) }),
      400,
      'sharedKey',
    ],
    [
      'agreement malformed key',
      'POST',
      `/partners/${someId}/agreements`,
      agreement({ exchangeId: someId, sharedKey: 'short' }),
      400,
      'sharedKey',
    ],
    [
      'agreement ends before it starts',
      'POST',
      `/partners/${someId}/agreements`,
      agreement({ validFrom: '2031-01-01T00:00:00Z' }),
      400,
      'validUntil',
    ],
    ['agreement for unknown partner', 'POST', `/partners/${someId}/agreements`, agreement(), 404, 'PARTNER_NOT_FOUND'],
    ['unknown agreement action', 'POST', `/partner-agreements/${someId}/approve`, {}, 400, 'action'],
    ['unknown agreement', 'POST', `/partner-agreements/${someId}/activate`, {}, 404, 'AGREEMENT_NOT_FOUND'],
    ['match without segment', 'POST', `/partner-agreements/${someId}/match`, { body: {} }, 400, 'segmentId'],
    [
      'share with bad expiry',
      'POST',
      `/partner-agreements/${someId}/shares`,
      { body: { segmentId: someId, expiresAt: 'tomorrow' } },
      400,
      'expiresAt',
    ],
    ['share log bad agreement filter', 'GET', '/partner-shares?agreementId=x', {}, 400, 'agreementId'],
    ['contact view bad id', 'GET', '/partner-shares/contacts/x', {}, 400, 'contactId'],
    ['audit without entity', 'GET', '/partner-audit', {}, 400, 'entityId'],
    ['unknown partner audience', 'GET', `/partner-audiences/${someId}`, {}, 404, 'PARTNER_AUDIENCE_NOT_FOUND'],
    [
      'file with an unknown encoding',
      'POST',
      `/partner-agreements/${someId}/files`,
      { body: { segmentId: someId, encoding: 'xml' } },
      400,
      'encoding',
    ],
    ['file without segment', 'POST', `/partner-agreements/${someId}/files`, { body: {} }, 400, 'segmentId'],
    ['bad partner file id', 'GET', '/partner-files/x', {}, 400, 'id'],
    ['unknown partner file', 'GET', `/partner-files/${someId}`, {}, 404, 'PARTNER_FILE_NOT_FOUND'],
    ['download of an unknown file', 'GET', `/partner-files/${someId}/content`, {}, 404, 'PARTNER_FILE_NOT_FOUND'],
    [
      'import without manifest',
      'POST',
      `/partner-agreements/${agreementId}/imports`,
      { raw: 'emailHash\n', headers: { 'content-type': 'text/csv' } },
      400,
      'x-crm-partner-manifest',
    ],
    [
      'import with a manifest that is not JSON',
      'POST',
      `/partner-agreements/${agreementId}/imports`,
      { raw: 'emailHash\n', headers: { 'content-type': 'text/csv', 'x-crm-partner-manifest': 'bm90IGpzb24' } },
      400,
      'x-crm-partner-manifest',
    ],
    [
      'import with a manifest of another agreement',
      'POST',
      `/partner-agreements/${agreementId}/imports`,
      {
        raw: 'emailHash\n',
        headers: {
          'content-type': 'text/csv',
          'x-crm-partner-manifest': Buffer.from(
            JSON.stringify({ format: 'crm-partner-file/v1', agreement: someId }),
          ).toString('base64url'),
        },
      },
      400,
      'x-crm-partner-manifest.agreement',
    ],
    [
      'exchange without signature',
      'POST',
      '/partner-exchange/v1/match',
      { token: null, body: { records: [] } },
      401,
      'x-crm-partner-agreement',
    ],
  ];

  it('covers at least 25 kinds of malformed request', () => {
    expect(cases().length).toBeGreaterThanOrEqual(25);
  });

  it.each(cases().map((c, i) => [c[0], i] as const))('%s', async (_label, i) => {
    const [, method, path, opts, status, named] = cases()[i];
    const tables = [
      'partner_files',
      'partners',
      'partner_agreements',
      'partner_audit',
      'partner_shares',
      'partner_share_contacts',
      'partner_audiences',
    ];
    const counts = async () => {
      const out: number[] = [];
      for (const table of tables) out.push(await t.count(table));
      return out;
    };
    const before = await counts();
    const res = await t.call<{ status: number; code: string }>(method, path, opts);
    expect(res.status).toBe(status);
    expect(res.headers.get('content-type')).toContain('application/problem+json');
    expect(res.body.status).toBe(status);
    expect(res.text).toContain(named);
    expect(await counts()).toEqual(before);
  });

  it('refuses changing the shared fields of an agreement in force, and any change to a terminated one', async () => {
    await t.call('POST', `/partner-agreements/${agreementId}/activate`);
    const res = await t.call<{ errors: { field: string }[] }>('PATCH', `/partner-agreements/${agreementId}`, {
      body: { fields: ['emailHash', 'country'] },
    });
    expect(res.status).toBe(400);
    expect(res.body.errors.map((e) => e.field)).toEqual(['fields']);
    await t.call('POST', `/partner-agreements/${agreementId}/terminate`);
    const again = await t.call<{ code: string }>('POST', `/partner-agreements/${agreementId}/activate`);
    expect(again.status).toBe(409);
    expect(again.body.code).toBe('AGREEMENT_TRANSITION_INVALID');
    const share = await t.call<{ code: string }>('POST', `/partner-agreements/${agreementId}/shares`, {
      body: { segmentId },
    });
    expect(share.status).toBe(409);
    expect(share.body.code).toBe('AGREEMENT_NOT_IN_FORCE');
    expect(await t.count('partner_shares')).toBe(0);
  });
});
