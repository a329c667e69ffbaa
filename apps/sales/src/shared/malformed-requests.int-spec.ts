import { startSalesApp, type CallOptions, type SalesTestApp } from '../testing/sales-test-app';

jest.setTimeout(120_000);

const someId = '0190f0f0-0000-7000-8000-000000000001';
const cursorOf = (values: unknown[]) => Buffer.from(JSON.stringify(values)).toString('base64url');

/** [what, method, path, request, status, a string the problem body must contain] */
type Case = [string, string, string, CallOptions, number, string];

describe('malformed requests to pipelines, deals, forecast and rates get a 4xx problem naming the field and write nothing (real Postgres)', () => {
  let t: SalesTestApp;
  let pipelineId: string;
  let otherStageId: string;
  let dealId: string;
  const deal = { name: 'Deal', amountMinor: 100, currency: 'EUR' };

  beforeAll(async () => {
    t = await startSalesApp('malformed');
    pipelineId = (await t.call<{ id: string }>('POST', '/pipelines', { body: { name: 'P' } })).body.id;
    otherStageId = (await t.call<{ stages: { id: string }[] }>('POST', '/pipelines', { body: { name: 'Q' } })).body
      .stages[1].id;
    dealId = (await t.call<{ id: string }>('POST', '/deals', { body: { ...deal, pipelineId } })).body.id;
    await t.call('POST', '/deal-fields', { body: { key: 'seats', label: 'Seats', type: 'number' } });
  });
  afterAll(() => t.close());

  const cases = (): Case[] => {
    const d = { ...deal, pipelineId };
    return [
      ['pipeline without a name', 'POST', '/pipelines', { body: {} }, 400, 'name'],
      ['pipeline name a number', 'POST', '/pipelines', { body: { name: 7 } }, 400, 'name'],
      ['pipeline name too long', 'POST', '/pipelines', { body: { name: 'x'.repeat(101) } }, 400, 'name'],
      ['pipeline name blank', 'POST', '/pipelines', { body: { name: '   ' } }, 400, 'name'],
      ['pipeline name with a NUL', 'POST', '/pipelines', { body: { name: 'P\u0000' } }, 400, 'name'],
      ['pipeline with an unknown field', 'POST', '/pipelines', { body: { name: 'Z', colour: 'red' } }, 400, 'colour'],
      ['stages not a list', 'POST', '/pipelines', { body: { name: 'Z', stages: 'many' } }, 400, 'stages'],
      [
        'a stage of an unknown kind',
        'POST',
        '/pipelines',
        { body: { name: 'Z', stages: [{ name: 'a', kind: 'maybe', probability: 1 }, {}, {}] } },
        400,
        'stages.0.kind',
      ],
      [
        'a probability over 100',
        'POST',
        `/pipelines/${pipelineId}/stages`,
        { body: { name: 'x', kind: 'open', probability: 101 } },
        400,
        'probability',
      ],
      [
        'a fractional probability',
        'POST',
        `/pipelines/${pipelineId}/stages`,
        { body: { name: 'x', kind: 'open', probability: 12.5 } },
        400,
        'probability',
      ],
      [
        'a lost stage above 0%',
        'POST',
        `/pipelines/${pipelineId}/stages`,
        { body: { name: 'x', kind: 'lost', probability: 5 } },
        400,
        'probability',
      ],
      ['a pipeline id that is not a UUID', 'PATCH', '/pipelines/nope', { body: { name: 'x' } }, 400, 'id'],
      [
        'an If-Match that is not a version',
        'PATCH',
        `/pipelines/${pipelineId}`,
        { body: { name: 'x' }, headers: { 'if-match': 'yesterday' } },
        400,
        'If-Match',
      ],
      [
        'stage order naming a stage twice',
        'PUT',
        `/pipelines/${pipelineId}/stage-order`,
        { body: { stageIds: [someId, someId] } },
        400,
        'stageIds',
      ],
      [
        'stage order with a non-UUID',
        'PUT',
        `/pipelines/${pipelineId}/stage-order`,
        { body: { stageIds: ['a'] } },
        400,
        'stageIds',
      ],
      ['deal without a pipeline', 'POST', '/deals', { body: deal }, 400, 'pipelineId'],
      ['deal of an unknown pipeline', 'POST', '/deals', { body: { ...deal, pipelineId: someId } }, 404, 'pipelineId'],
      ['negative amount', 'POST', '/deals', { body: { ...d, amountMinor: -1 } }, 400, 'amountMinor'],
      ['fractional amount', 'POST', '/deals', { body: { ...d, amountMinor: 1.5 } }, 400, 'amountMinor'],
      ['amount as a string', 'POST', '/deals', { body: { ...d, amountMinor: '100' } }, 400, 'amountMinor'],
      ['amount past 2^53', 'POST', '/deals', { body: { ...d, amountMinor: 2 ** 54 } }, 400, 'amountMinor'],
      ['a currency that is not ISO 4217', 'POST', '/deals', { body: { ...d, currency: 'EUX' } }, 400, 'currency'],
      ['a two-letter currency', 'POST', '/deals', { body: { ...d, currency: 'EU' } }, 400, 'currency'],
      ['a 13th month', 'POST', '/deals', { body: { ...d, expectedCloseDate: '2027-13-01' } }, 400, 'expectedCloseDate'],
      [
        '21 tags',
        'POST',
        '/deals',
        { body: { ...d, tags: Array.from({ length: 21 }, (_, i) => `t${i}`) } },
        400,
        'tags',
      ],
      ['a tag too long', 'POST', '/deals', { body: { ...d, tags: ['x'.repeat(51)] } }, 400, 'tags'],
      ['custom fields as a list', 'POST', '/deals', { body: { ...d, customFields: [1] } }, 400, 'customFields'],
      [
        'an undefined custom field',
        'POST',
        '/deals',
        { body: { ...d, customFields: { size: 1 } } },
        400,
        'customFields.size',
      ],
      [
        'a custom field of the wrong type',
        'POST',
        '/deals',
        { body: { ...d, customFields: { seats: 'ten' } } },
        400,
        'customFields.seats',
      ],
      [
        'a source channel as a number',
        'POST',
        '/deals',
        { body: { ...d, source: { channel: 3 } } },
        400,
        'source.channel',
      ],
      ['a stage of another pipeline', 'POST', '/deals', { body: { ...d, stageId: otherStageId } }, 422, 'stageId'],
      [
        'a lone surrogate in a deal name',
        'POST',
        '/deals',
        { raw: `{"name":"x\\ud800","pipelineId":"${pipelineId}","amountMinor":1,"currency":"EUR"}` },
        400,
        'name',
      ],
      [
        'JSON nested 100,000 deep in custom fields',
        'POST',
        '/deals',
        {
          raw: `{"name":"x","pipelineId":"${pipelineId}","amountMinor":1,"currency":"EUR","customFields":{"seats":${'['.repeat(100_000)}${']'.repeat(100_000)}}}`,
        },
        400,
        'customFields',
      ],
      [
        'a body over the limit',
        'POST',
        '/deals',
        { raw: JSON.stringify({ ...d, name: 'x'.repeat(1_100_000) }) },
        413,
        'code',
      ],
      [
        'a deal PATCH clearing the amount',
        'PATCH',
        `/deals/${dealId}`,
        { body: { amountMinor: null } },
        400,
        'amountMinor',
      ],
      [
        'a deal PATCH moving the stage',
        'PATCH',
        `/deals/${dealId}`,
        { body: { stageId: otherStageId } },
        400,
        'stageId',
      ],
      ['a move without a stage', 'POST', `/deals/${dealId}/stage`, { body: {} }, 400, 'stageId'],
      [
        'a move to a stage of another pipeline',
        'POST',
        `/deals/${dealId}/stage`,
        { body: { stageId: otherStageId } },
        422,
        'stageId',
      ],
      [
        'a lost reason that is not a UUID',
        'POST',
        `/deals/${dealId}/stage`,
        { body: { stageId: otherStageId, lostReasonId: 'price' } },
        400,
        'lostReasonId',
      ],
      [
        'a lost note too long',
        'POST',
        `/deals/${dealId}/stage`,
        { body: { stageId: otherStageId, lostNote: 'x'.repeat(2001) } },
        400,
        'lostNote',
      ],
      [
        'reopening an open deal',
        'POST',
        `/deals/${dealId}/reopen`,
        { body: { stageId: otherStageId } },
        409,
        'DEAL_NOT_CLOSED',
      ],
      ['a history of a non-UUID', 'GET', '/deals/42/history', {}, 400, 'id'],
      ['a list limit of 0', 'GET', '/deals?limit=0', {}, 400, 'limit'],
      ['a list limit of 500', 'GET', '/deals?limit=500', {}, 400, 'limit'],
      ['a cursor that is not one', 'GET', '/deals?cursor=%%%', {}, 400, 'cursor'],
      ['a cursor of another listing', 'GET', `/deals?cursor=${cursorOf([1, 2])}`, {}, 400, 'cursor'],
      ['a cursor holding a number', 'GET', `/deals?cursor=${cursorOf([42])}`, {}, 400, 'cursor'],
      ['a negative amountMin', 'GET', '/deals?amountMin=-1', {}, 400, 'amountMin'],
      ['an amountMax that is text', 'GET', '/deals?amountMax=lots', {}, 400, 'amountMax'],
      ['an unknown status', 'GET', '/deals?status=closed', {}, 400, 'status'],
      ['a closeFrom that is not a date', 'GET', '/deals?closeFrom=yesterday', {}, 400, 'closeFrom'],
      ['a contactId that is not a UUID', 'GET', '/deals?contactId=ada', {}, 400, 'contactId'],
      ['a NUL in q', 'GET', '/deals?q=a%00b', {}, 400, 'q'],
      ['a forecast without a currency', 'GET', '/forecast', {}, 400, 'currency'],
      ['a forecast in no currency', 'GET', '/forecast?currency=ZZZ', {}, 400, 'currency'],
      ['a forecast by week', 'GET', '/forecast?currency=EUR&period=week', {}, 400, 'period'],
      ['a forecast by team', 'GET', '/forecast?currency=EUR&groupBy=team', {}, 400, 'groupBy'],
      [
        'a forecast ending before it starts',
        'GET',
        '/forecast?currency=EUR&from=2027-02-01&to=2027-01-01',
        {},
        400,
        'to',
      ],
      ['a forecast with two currencies', 'GET', '/forecast?currency=EUR&currency=USD', {}, 400, 'currency'],
      [
        'a board of 101 deals per stage',
        'GET',
        `/pipelines/${pipelineId}/board?dealsPerStage=101`,
        {},
        400,
        'dealsPerStage',
      ],
      ['a negative rate', 'PUT', '/currency-rates/USD', { body: { rate: '-1' } }, 400, 'rate'],
      ['a zero rate', 'PUT', '/currency-rates/USD', { body: { rate: '0.000' } }, 400, 'rate'],
      ['a rate as a number', 'PUT', '/currency-rates/USD', { body: { rate: 1.1 } }, 400, 'rate'],
      ['a rate of no currency', 'PUT', '/currency-rates/US', { body: { rate: '1' } }, 400, 'currency'],
      ['a rate for the base currency', 'PUT', '/currency-rates/EUR', { body: { rate: '1' } }, 400, 'currency'],
      ['an empty lost reason', 'POST', '/lost-reasons', { body: { label: '' } }, 400, 'label'],
      ['a lost reason too long', 'POST', '/lost-reasons', { body: { label: 'x'.repeat(101) } }, 400, 'label'],
      [
        'a deal field key with spaces',
        'POST',
        '/deal-fields',
        { body: { key: 'Bad Key', label: 'x', type: 'string' } },
        400,
        'key',
      ],
      [
        'a deal field of an unknown type',
        'POST',
        '/deal-fields',
        { body: { key: 'k', label: 'x', type: 'colour' } },
        400,
        'type',
      ],
      [
        'an enum deal field without options',
        'POST',
        '/deal-fields',
        { body: { key: 'k', label: 'x', type: 'enum' } },
        400,
        'options',
      ],
    ];
  };

  it.each(cases().map((c, i) => [c[0], i] as const))('%s', async (_label, i) => {
    const [, method, path, opts, status, named] = cases()[i];
    const tables = [
      'pipelines',
      'stages',
      'deals',
      'deal_stage_history',
      'lost_reasons',
      'deal_custom_fields',
      'currency_rates',
      'outbox',
    ];
    const counts = async () => {
      const out: number[] = [];
      for (const table of tables) out.push(await t.count(table));
      return out;
    };
    const before = await counts();
    const res = await t.call<{ status: number; code: string }>(method, path, opts);
    expect({ status: res.status, body: res.body }).toMatchObject({ status });
    expect(res.headers.get('content-type')).toContain('application/problem+json');
    expect(res.body.status).toBe(status);
    expect(res.body.code).toEqual(expect.any(String));
    expect(JSON.stringify(res.body)).toContain(named);
    expect(await counts()).toEqual(before);
  });
});
