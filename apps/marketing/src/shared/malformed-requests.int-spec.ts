import { waitFor } from '@crm/messaging';
import { uuidv7 } from '@crm/persistence';
import { startMarketingApp, type CallOptions, type MarketingTestApp } from '../testing/marketing-test-app';

jest.setTimeout(60_000);

/** [what, method, path, request, status, a string the problem body must contain] */
type Case = [string, string, string, CallOptions, number, string];

const someId = '0190f0f0-0000-7000-8000-000000000001';
const deep = (n: number): Record<string, unknown> =>
  n === 0 ? { field: 'country', op: 'eq', value: 'FR' } : { not: deep(n - 1) };

describe('malformed requests get a 4xx problem naming the field and write nothing (real Postgres)', () => {
  let t: MarketingTestApp;
  let templateId: string;
  let staticId: string;
  let dynamicId: string;
  let campaignId: string;
  let programId: string;
  let surveyId: string;

  beforeAll(async () => {
    t = await startMarketingApp('malformed');
    templateId = (
      await t.call<{ id: string }>('POST', '/templates', {
        body: { name: 'T', channel: 'email', subject: 'Hi', body: '<p>Hi {{ contact.firstName }}</p>' },
      })
    ).body.id;
    staticId = (await t.call<{ id: string }>('POST', '/segments', { body: { name: 'S', kind: 'static' } })).body.id;
    dynamicId = (
      await t.call<{ id: string }>('POST', '/segments', {
        body: { name: 'D', kind: 'dynamic', definition: { field: 'country', op: 'eq', value: 'FR' } },
      })
    ).body.id;
    // The dynamic segment's build writes its rebuilt event: wait for it, so no case sees it land.
    await waitFor(
      async () => (await t.call<{ build: { status: string } }>('GET', `/segments/${dynamicId}`)).body.build.status,
      (s) => s === 'ready',
    );
    await waitFor(
      () => t.count('outbox'),
      (n) => n >= 1,
    );
    campaignId = (
      await t.call<{ id: string }>('POST', '/campaigns', {
        body: { name: 'C', channel: 'email', templateId, segmentIds: [staticId] },
      })
    ).body.id;
    programId = (
      await t.call<{ id: string }>('POST', '/loyalty/programs', {
        body: { name: 'P', currency: 'EUR', pointsPerUnit: 1 },
      })
    ).body.id;
    surveyId = (
      await t.call<{ id: string }>('POST', '/surveys', {
        body: { name: 'N', questions: [{ id: 'nps', kind: 'nps', text: 'Recommend us?' }] },
      })
    ).body.id;
  });
  afterAll(() => t.close());

  const seg = (definition: unknown) => ({ body: { name: 'x', kind: 'dynamic', definition } });
  const cases = (): Case[] => [
    ['segment without a name', 'POST', '/segments', { body: { kind: 'static' } }, 400, 'name'],
    ['segment of an unknown kind', 'POST', '/segments', { body: { name: 'x', kind: 'smart' } }, 400, 'kind'],
    [
      'dynamic segment without a definition',
      'POST',
      '/segments',
      { body: { name: 'x', kind: 'dynamic' } },
      400,
      'definition',
    ],
    [
      'static segment with a definition',
      'POST',
      '/segments',
      { body: { name: 'x', kind: 'static', definition: {} } },
      400,
      'definition',
    ],
    [
      'unknown filter field',
      'POST',
      '/segments',
      seg({ field: 'shoeSize', op: 'eq', value: 1 }),
      400,
      'definition.field',
    ],
    [
      'operator not for the field',
      'POST',
      '/segments',
      seg({ field: 'country', op: 'gt', value: 'FR' }),
      400,
      'definition.op',
    ],
    [
      'number where a string goes',
      'POST',
      '/segments',
      seg({ field: 'country', op: 'eq', value: 42 }),
      400,
      'definition.value',
    ],
    [
      'bad date',
      'POST',
      '/segments',
      seg({ field: 'lastOrderAt', op: 'before', value: 'yesterday' }),
      400,
      'definition.value',
    ],
    [
      'days out of range',
      'POST',
      '/segments',
      seg({ field: 'lastOrderAt', op: 'withinLastDays', value: 100000 }),
      400,
      'definition.value',
    ],
    ['empty and', 'POST', '/segments', seg({ and: [] }), 400, 'definition.and'],
    [
      'and with extra keys',
      'POST',
      '/segments',
      seg({ and: [{ field: 'country', op: 'eq', value: 'FR' }], or: [] }),
      400,
      'definition',
    ],
    ['filter nested too deep', 'POST', '/segments', seg(deep(8)), 400, 'nests deeper'],
    [
      'too many conditions',
      'POST',
      '/segments',
      seg({
        or: Array.from({ length: 20 }, () => ({
          and: Array.from({ length: 6 }, () => ({ field: 'country', op: 'eq', value: 'FR' })),
        })),
      }),
      400,
      'at most 100 conditions',
    ],
    [
      'in-list too long',
      'POST',
      '/segments/preview',
      { body: { definition: { field: 'country', op: 'in', value: Array(501).fill('FR') } } },
      400,
      'definition.value',
    ],
    [
      'bad custom field key',
      'POST',
      '/segments/preview',
      { body: { definition: { field: 'customFields.Robert); DROP', op: 'eq', value: 1 } } },
      400,
      'definition.field',
    ],
    [
      'consent without purpose',
      'POST',
      '/segments/preview',
      { body: { definition: { field: 'consent', op: 'consentedTo', value: { channel: 'email' } } } },
      400,
      'definition.value',
    ],
    [
      'preview sample over 50',
      'POST',
      '/segments/preview',
      { body: { definition: { field: 'country', op: 'eq', value: 'FR' }, sample: 51 } },
      400,
      'sample',
    ],
    ['NUL in a segment name', 'POST', '/segments', { body: { name: 'a\u0000b', kind: 'static' } }, 400, 'name'],
    [
      'lone surrogate in a filter value',
      'POST',
      '/segments/preview',
      { body: { definition: { field: 'city', op: 'eq', value: 'x\ud800' } } },
      400,
      'definition',
    ],
    ['unknown body field', 'POST', '/segments', { body: { name: 'x', kind: 'static', colour: 'red' } }, 400, 'colour'],
    ['body not JSON', 'POST', '/segments', { raw: '{"name": ' }, 400, 'body'],
    ['bad segment id', 'GET', '/segments/not-a-uuid', {}, 400, 'id'],
    ['bad cursor', 'GET', '/segments?cursor=%%%', {}, 400, 'cursor'],
    ['limit over 200', 'GET', '/segments?limit=500', {}, 400, 'limit'],
    [
      'bad If-Match',
      'PATCH',
      `/segments/${someId}`,
      { body: { name: 'x' }, headers: { 'if-match': 'soon' } },
      400,
      'If-Match',
    ],
    [
      'members of a dynamic segment',
      'POST',
      `/segments/${someId}/members`,
      { body: { contactIds: ['nope'] } },
      400,
      'contactIds',
    ],
    [
      'template variable that does not exist',
      'POST',
      '/templates',
      { body: { name: 'x', channel: 'email', subject: 'Hi', body: '{{ contact.shoeSize }}' } },
      400,
      'body',
    ],
    [
      'template syntax error',
      'POST',
      '/templates',
      { body: { name: 'x', channel: 'email', subject: 'Hi {% if %}', body: 'x' } },
      400,
      'subject',
    ],
    [
      'email template without a subject',
      'POST',
      '/templates',
      { body: { name: 'x', channel: 'email', body: 'x' } },
      400,
      'subject',
    ],
    [
      'template of an unknown channel',
      'POST',
      '/templates',
      { body: { name: 'x', channel: 'pigeon', body: 'x' } },
      400,
      'channel',
    ],
    [
      'huge template body',
      'POST',
      '/templates',
      { body: { name: 'x', channel: 'sms', body: 'x'.repeat(200_001) } },
      400,
      'body',
    ],
    [
      'campaign without an audience',
      'POST',
      '/campaigns',
      { body: { name: 'x', channel: 'email', templateId: someId } },
      400,
      'templateId',
    ],
    [
      'campaign with an unknown segment',
      'POST',
      '/campaigns',
      { body: { name: 'x', channel: 'email', templateId: someId, segmentIds: [someId] } },
      400,
      'segmentIds',
    ],
    [
      'campaign with a bad UTM',
      'POST',
      '/campaigns',
      { body: { name: 'x', channel: 'email', templateId: someId, contactIds: [someId], utmCampaign: 'a b' } },
      400,
      'utmCampaign',
    ],
    [
      'campaign with a negative cost',
      'POST',
      '/campaigns',
      { body: { name: 'x', channel: 'email', templateId: someId, contactIds: [someId], costMinor: -1 } },
      400,
      'costMinor',
    ],
    [
      'schedule with a bad date',
      'POST',
      `/campaigns/${someId}/schedule`,
      { body: { sendAt: 'tomorrow' } },
      400,
      'sendAt',
    ],
    ['messages of an unknown status', 'GET', `/campaigns/${someId}/messages?status=lost`, {}, 400, 'status'],
    [
      'send rule with a negative cap',
      'PUT',
      '/send-rules/email',
      { body: { maxMessages: -1, periodHours: 1 } },
      400,
      'maxMessages',
    ],
    [
      'send rule of an unknown channel',
      'PUT',
      '/send-rules/fax',
      { body: { maxMessages: 1, periodHours: 1 } },
      400,
      'channel',
    ],
    [
      'quiet hour 24',
      'PUT',
      '/send-rules/email',
      { body: { maxMessages: 1, periodHours: 1, quietStart: 24 } },
      400,
      'quietStart',
    ],
    [
      'promotion percent over 100',
      'POST',
      '/promotions',
      { body: { name: 'x', discountKind: 'percent', percent: 150, codeKind: 'unique' } },
      400,
      'percent',
    ],
    [
      'shared promotion without a code',
      'POST',
      '/promotions',
      { body: { name: 'x', discountKind: 'percent', percent: 5, codeKind: 'shared' } },
      400,
      'sharedCode',
    ],
    [
      'promotion ending before it starts',
      'POST',
      '/promotions',
      {
        body: {
          name: 'x',
          discountKind: 'percent',
          percent: 5,
          codeKind: 'unique',
          validFrom: '2030-01-02T00:00:00Z',
          validUntil: '2030-01-01T00:00:00Z',
        },
      },
      400,
      'validUntil',
    ],
    [
      'loyalty program in no currency',
      'POST',
      '/loyalty/programs',
      { body: { name: 'x', currency: 'EURO', pointsPerUnit: 1 } },
      400,
      'currency',
    ],
    [
      'tier without a threshold',
      'POST',
      '/loyalty/programs',
      { body: { name: 'x', currency: 'EUR', pointsPerUnit: 1, tiers: [{ name: 'gold', multiplier: 2 }] } },
      400,
      'tiers.0.threshold',
    ],
    [
      'redeem zero points',
      'POST',
      `/loyalty/programs/${someId}/accounts/${someId}/redeem`,
      { body: { points: 0 } },
      400,
      'points',
    ],
    [
      'adjust by zero',
      'POST',
      `/loyalty/programs/${someId}/accounts/${someId}/adjust`,
      { body: { points: 0, reason: 'x' } },
      400,
      'points',
    ],
    [
      'survey with a choice without options',
      'POST',
      '/surveys',
      { body: { name: 'x', questions: [{ id: 'q', kind: 'choice', text: '?' }] } },
      400,
      'questions.0.options',
    ],
    ['survey link of the wrong shape', 'POST', '/s/abc', { token: null, body: { answers: {} } }, 400, 'token'],
    [
      'survey link that does not exist',
      'POST',
      `/s/${'A'.repeat(43)}`,
      { token: null, body: { answers: { nps: 9 } } },
      404,
      'SURVEY_LINK_INVALID',
    ],
    [
      'click link with a tampered signature',
      'GET',
      `/t/c/${someId}?u=${encodeURIComponent('https://evil.example')}&s=${'A'.repeat(43)}`,
      { token: null },
      403,
      'LINK_SIGNATURE_INVALID',
    ],
    ['touchpoints without a contact', 'GET', '/touchpoints', {}, 400, 'contactId'],
    [
      'delivery webhook with an unknown status',
      'POST',
      '/deliveries',
      { body: { messageId: someId, status: 'lost' } },
      400,
      'status',
    ],
  ];

  it('covers at least 30 kinds of malformed request', () => {
    expect(cases().length).toBeGreaterThanOrEqual(30);
  });

  it('keeps the ids the cases use valid', () => {
    expect([templateId, staticId, dynamicId, campaignId, programId, surveyId].every(Boolean)).toBe(true);
  });

  it.each(cases().map((c, i) => [c[0], i] as const))('%s', async (_label, i) => {
    const [, method, path, opts, status, named] = cases()[i];
    const tables = [
      'segments',
      'segment_members',
      'templates',
      'campaigns',
      'campaign_messages',
      'promotions',
      'coupons',
      'loyalty_programs',
      'loyalty_ledger',
      'surveys',
      'survey_responses',
      'send_rules',
      'touchpoints',
      'outbox',
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
    expect(res.body.code).toEqual(expect.any(String));
    expect(res.text).toContain(named);
    expect(await counts()).toEqual(before);
  });

  it('answers a dynamic segment given members with 409, and a static one given a definition with 400', async () => {
    const res = await t.call<{ code: string }>('POST', `/segments/${dynamicId}/members`, {
      body: { contactIds: [uuidv7()] },
    });
    expect(res.status).toBe(409);
    expect(res.body.code).toBe('SEGMENT_NOT_STATIC');
    const patch = await t.call<{ errors: { field: string }[] }>('PATCH', `/segments/${staticId}`, {
      body: { definition: { field: 'country', op: 'eq', value: 'FR' } },
    });
    expect(patch.status).toBe(400);
  });
});
