import { startSalesApp, type SalesTestApp } from '../testing/sales-test-app';

jest.setTimeout(60_000);

interface Stage {
  id: string;
  name: string;
  kind: string;
  probability: number;
  position: number;
  retiredAt: string | null;
}
interface Pipeline {
  id: string;
  name: string;
  version: number;
  stages: Stage[];
  retiredStages: Stage[];
}

describe('pipelines and stages (real Postgres)', () => {
  let t: SalesTestApp;

  beforeAll(async () => {
    t = await startSalesApp('pipelines');
  });
  afterAll(() => t.close());

  it('answers health', async () => {
    const res = await fetch(`${t.base}/health/live`);
    expect(res.status).toBe(200);
  });

  it('creates a pipeline with the default stages, with Location and ETag', async () => {
    const res = await t.call<Pipeline>('POST', '/pipelines', { body: { name: 'New business' } });
    expect(res.status).toBe(201);
    expect(res.headers.get('location')).toBe(`/pipelines/${res.body.id}`);
    expect(res.headers.get('etag')).toBe('"1"');
    expect(res.body.stages.map((s) => [s.name, s.kind, s.probability, s.position])).toEqual([
      ['Qualification', 'open', 10, 0],
      ['Proposal', 'open', 40, 1],
      ['Negotiation', 'open', 70, 2],
      ['Won', 'won', 100, 3],
      ['Lost', 'lost', 0, 4],
    ]);
  });

  it('refuses a second pipeline of the same name, whatever the case', async () => {
    const res = await t.call('POST', '/pipelines', { body: { name: 'NEW BUSINESS' } });
    expect(res.status).toBe(409);
    expect(res.body['code']).toBe('PIPELINE_NAME_TAKEN');
  });

  it('refuses stages without a won stage, and a won stage below 100%', async () => {
    const noWon = await t.call('POST', '/pipelines', {
      body: {
        name: 'Partners',
        stages: [
          { name: 'A', kind: 'open', probability: 10 },
          { name: 'B', kind: 'open', probability: 50 },
          { name: 'L', kind: 'lost', probability: 0 },
        ],
      },
    });
    expect(noWon.status).toBe(422);
    expect(noWon.body['code']).toBe('PIPELINE_STAGES_INCOMPLETE');
    const badWon = await t.call<{ errors: { field: string }[] }>('POST', '/pipelines', {
      body: {
        name: 'Partners',
        stages: [
          { name: 'A', kind: 'open', probability: 10 },
          { name: 'W', kind: 'won', probability: 90 },
          { name: 'L', kind: 'lost', probability: 0 },
        ],
      },
    });
    expect(badWon.status).toBe(400);
    expect(badWon.body.errors.map((e) => e.field)).toEqual(['stages.1.probability']);
    expect(await t.count('pipelines')).toBe(1);
  });

  it('adds, renames and reorders stages, each moving the pipeline version', async () => {
    const p = (await t.call<Pipeline>('POST', '/pipelines', { body: { name: 'Renewals' } })).body;
    const added = await t.call<Stage>('POST', `/pipelines/${p.id}/stages`, {
      body: { name: 'Demo', kind: 'open', probability: 25, position: 1 },
      headers: { 'if-match': '"1"' },
    });
    expect(added.status).toBe(201);
    expect(added.headers.get('location')).toBe(`/pipelines/${p.id}/stages/${added.body.id}`);
    const renamed = await t.call<Stage>('PATCH', `/pipelines/${p.id}/stages/${added.body.id}`, {
      body: { name: 'Product demo', probability: 30 },
    });
    expect(renamed.body).toMatchObject({ name: 'Product demo', probability: 30, position: 1 });
    const now = (await t.call<Pipeline>('GET', `/pipelines/${p.id}`)).body;
    expect(now.version).toBe(3);
    expect(now.stages.map((s) => s.name)).toEqual([
      'Qualification',
      'Product demo',
      'Proposal',
      'Negotiation',
      'Won',
      'Lost',
    ]);
    const order = [...now.stages].reverse().map((s) => s.id);
    const stale = await t.call('PUT', `/pipelines/${p.id}/stage-order`, {
      body: { stageIds: order },
      headers: { 'if-match': '"2"' },
    });
    expect(stale.status).toBe(412);
    expect(stale.body['code']).toBe('VERSION_CONFLICT');
    const reordered = await t.call<Pipeline>('PUT', `/pipelines/${p.id}/stage-order`, {
      body: { stageIds: order },
      headers: { 'if-match': '"3"' },
    });
    expect(reordered.status).toBe(200);
    expect(reordered.body.stages.map((s) => s.name)).toEqual([
      'Lost',
      'Won',
      'Negotiation',
      'Proposal',
      'Product demo',
      'Qualification',
    ]);
    const partial = await t.call('PUT', `/pipelines/${p.id}/stage-order`, { body: { stageIds: order.slice(1) } });
    expect(partial.status).toBe(422);
    expect(partial.body['code']).toBe('STAGE_ORDER_INVALID');
  });

  it('refuses a stage id of another pipeline as a stage of this one', async () => {
    const a = (await t.call<Pipeline>('POST', '/pipelines', { body: { name: 'A' } })).body;
    const b = (await t.call<Pipeline>('POST', '/pipelines', { body: { name: 'B' } })).body;
    const res = await t.call('PATCH', `/pipelines/${a.id}/stages/${b.stages[0].id}`, { body: { name: 'x' } });
    expect(res.status).toBe(404);
    expect(res.body['code']).toBe('STAGE_NOT_FOUND');
  });

  it('renames a pipeline with If-Match, refusing a name another pipeline has', async () => {
    const a = (await t.call<Pipeline>('POST', '/pipelines', { body: { name: 'Rename me' } })).body;
    const taken = await t.call('PATCH', `/pipelines/${a.id}`, { body: { name: 'new business' } });
    expect(taken.status).toBe(409);
    expect(taken.body['code']).toBe('PIPELINE_NAME_TAKEN');
    const renamed = await t.call<Pipeline>('PATCH', `/pipelines/${a.id}`, {
      body: { name: 'Upsell' },
      headers: { 'if-match': '"1"' },
    });
    expect(renamed.status).toBe(200);
    expect(renamed.body).toMatchObject({ name: 'Upsell', version: 2 });
    expect(renamed.headers.get('etag')).toBe('"2"');
  });

  it('pages pipelines by keyset', async () => {
    const first = await t.call<{ items: Pipeline[]; nextCursor: string }>('GET', '/pipelines?limit=2');
    expect(first.body.items).toHaveLength(2);
    const second = await t.call<{ items: Pipeline[]; nextCursor: string | null }>(
      'GET',
      `/pipelines?limit=2&cursor=${first.body.nextCursor}`,
    );
    expect(second.body.items.map((p) => p.id)).not.toContain(first.body.items[0].id);
    const bad = await t.call('GET', '/pipelines?cursor=bm90LWEtY3Vyc29y');
    expect(bad.status).toBe(400);
    expect(bad.body['code']).toBe('CURSOR_INVALID');
  });
});
