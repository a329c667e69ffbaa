import { SALES_EVENTS } from '@crm/contracts';
import { waitFor } from '@crm/messaging';
import { startSalesApp, type SalesTestApp } from '../testing/sales-test-app';

jest.setTimeout(60_000);

interface Stage {
  id: string;
  name: string;
  kind: string;
}
interface Pipeline {
  id: string;
  version: number;
  stages: Stage[];
  retiredStages: Stage[];
}
interface Deal {
  id: string;
  version: number;
  status: string;
  stageId: string;
  stageName: string;
  probability: number;
  amountMinor: number;
  currency: string;
  closedAt: string | null;
  closedBy: string | null;
  lostReason: { id: string; label: string; note: string | null } | null;
  customFields: Record<string, unknown>;
  tags: string[];
  ownerId: string | null;
}
interface Move {
  fromStageId: string | null;
  toStageId: string;
  toStageName: string;
  movedBy: string | null;
  secondsInFromStage: number | null;
  secondsInStage: number;
  current: boolean;
  reopened: boolean;
}
interface Problem {
  code: string;
  errors?: { field: string; message: string }[];
}

describe('deals: the stage state machine, history, lost reasons, reopen (real Postgres and NATS)', () => {
  let t: SalesTestApp;
  let p: Pipeline;
  let other: Pipeline;
  let reason: { id: string };
  const stage = (name: string, of: Pipeline = p) => of.stages.find((s) => s.name === name)!.id;

  beforeAll(async () => {
    t = await startSalesApp('deals');
    p = (await t.call<Pipeline>('POST', '/pipelines', { body: { name: 'New business' } })).body;
    other = (await t.call<Pipeline>('POST', '/pipelines', { body: { name: 'Partners' } })).body;
    reason = (await t.call<{ id: string }>('POST', '/lost-reasons', { body: { label: 'Price too high' } })).body;
  });
  afterAll(() => t.close());

  const newDeal = async (extra: Record<string, unknown> = {}) => {
    const res = await t.call<Deal>('POST', '/deals', {
      body: { name: 'Acme renewal', pipelineId: p.id, amountMinor: 120_000, currency: 'EUR', ...extra },
    });
    expect(res.status).toBe(201);
    return res.body;
  };
  const moveTo = (d: Deal, body: Record<string, unknown>, headers: Record<string, string> = {}) =>
    t.call<Deal & Problem>('POST', `/deals/${d.id}/stage`, { body, headers });

  it('creates a deal in the first open stage, owned by its creator, with Location, ETag and deal.created', async () => {
    const res = await t.call<Deal>('POST', '/deals', {
      body: { name: 'First', pipelineId: p.id, amountMinor: 5000, currency: 'eur', tags: ['a', 'a', 'b'] },
    });
    expect(res.status).toBe(201);
    expect(res.headers.get('location')).toBe(`/deals/${res.body.id}`);
    expect(res.headers.get('etag')).toBe('"1"');
    expect(res.body).toMatchObject({
      stageName: 'Qualification',
      status: 'open',
      currency: 'EUR',
      probability: 10,
      ownerId: 'spec-admin',
      tags: ['a', 'b'],
    });
    const events = await t.outbox({ type: SALES_EVENTS.dealCreated, subject: res.body.id });
    expect(events).toHaveLength(1);
    expect(events[0].payload.data).toMatchObject({ amountMinor: 5000, currency: 'EUR', currencyDigits: 2 });
    const onStream = await waitFor(
      () => t.published(SALES_EVENTS.dealCreated),
      (e) => e.some((x) => x.subject === res.body.id),
    );
    expect(onStream.find((x) => x.subject === res.body.id)?.version).toBe(1);
  });

  it('refuses to create a deal in a won stage or a stage of another pipeline, writing nothing', async () => {
    const before = await t.count('deals');
    const won = await t.call<Problem>('POST', '/deals', {
      body: { name: 'x', pipelineId: p.id, stageId: stage('Won'), amountMinor: 1, currency: 'EUR' },
    });
    expect(won.status).toBe(422);
    expect(won.body.code).toBe('DEAL_STAGE_TRANSITION_INVALID');
    const foreign = await t.call<Problem>('POST', '/deals', {
      body: { name: 'x', pipelineId: p.id, stageId: stage('Proposal', other), amountMinor: 1, currency: 'EUR' },
    });
    expect(foreign.status).toBe(422);
    expect(foreign.body.code).toBe('STAGE_NOT_IN_PIPELINE');
    expect(foreign.body.errors).toEqual([{ field: 'stageId', message: "is not a stage of the deal's pipeline" }]);
    const currency = await t.call<Problem>('POST', '/deals', {
      body: { name: 'x', pipelineId: p.id, amountMinor: 1, currency: 'EUX' },
    });
    expect(currency.status).toBe(400);
    expect(currency.body.errors?.map((e) => e.field)).toEqual(['currency']);
    expect(await t.count('deals')).toBe(before);
  });

  it('moves an open deal between stages of its pipeline, and refuses a stage of another pipeline', async () => {
    const d = await newDeal();
    const moved = await moveTo(d, { stageId: stage('Proposal') }, { 'if-match': '"1"' });
    expect(moved.status).toBe(200);
    expect(moved.body).toMatchObject({ stageName: 'Proposal', probability: 40, version: 2, status: 'open' });
    const foreign = await moveTo(d, { stageId: stage('Negotiation', other) });
    expect(foreign.status).toBe(422);
    expect(foreign.body.code).toBe('STAGE_NOT_IN_PIPELINE');
    const same = await moveTo(d, { stageId: stage('Proposal') });
    expect(same.status).toBe(422);
    expect(same.body.code).toBe('DEAL_STAGE_TRANSITION_INVALID');
    const stale = await moveTo(d, { stageId: stage('Negotiation') }, { 'if-match': '"1"' });
    expect(stale.status).toBe(412);
    expect(stale.body.code).toBe('VERSION_CONFLICT');
    expect((await t.call<Deal>('GET', `/deals/${d.id}`)).body.stageName).toBe('Proposal');
  });

  it('wins a deal recording who and when, and refuses to move it until it is reopened', async () => {
    const d = await newDeal();
    const won = await moveTo(d, { stageId: stage('Won') });
    expect(won.body).toMatchObject({ status: 'won', closedBy: 'spec-admin', probability: 100 });
    expect(Date.now() - Date.parse(won.body.closedAt!)).toBeLessThan(10_000);
    expect((await t.outbox({ subject: d.id })).map((e) => e.type)).toEqual([
      SALES_EVENTS.dealCreated,
      SALES_EVENTS.dealStageChanged,
      SALES_EVENTS.dealWon,
    ]);
    const again = await moveTo(d, { stageId: stage('Proposal') });
    expect(again.status).toBe(409);
    expect(again.body.code).toBe('DEAL_CLOSED');
  });

  it('loses a deal only for a configured, active reason, with free text beside it', async () => {
    const d = await newDeal();
    const noReason = await moveTo(d, { stageId: stage('Lost') });
    expect(noReason.status).toBe(422);
    expect(noReason.body).toMatchObject({ code: 'LOST_REASON_REQUIRED', errors: [{ field: 'lostReasonId' }] });
    const unknown = await moveTo(d, { stageId: stage('Lost'), lostReasonId: '0190b0b0-0000-7000-8000-000000000000' });
    expect(unknown.body.code).toBe('LOST_REASON_UNKNOWN');
    const retired = (await t.call<{ id: string }>('POST', '/lost-reasons', { body: { label: 'Went quiet' } })).body;
    await t.call('PATCH', `/lost-reasons/${retired.id}`, { body: { active: false } });
    const inactive = await moveTo(d, { stageId: stage('Lost'), lostReasonId: retired.id });
    expect(inactive.body.code).toBe('LOST_REASON_INACTIVE');
    const lost = await moveTo(d, {
      stageId: stage('Lost'),
      lostReasonId: reason.id,
      lostNote: 'Chose a cheaper offer',
    });
    expect(lost.status).toBe(200);
    expect(lost.body).toMatchObject({
      status: 'lost',
      closedBy: 'spec-admin',
      lostReason: { id: reason.id, label: 'Price too high', note: 'Chose a cheaper offer' },
    });
    const lostEvent = await t.outbox({ type: SALES_EVENTS.dealLost, subject: d.id });
    expect(lostEvent[0].payload.data).toMatchObject({ lostReason: { label: 'Price too high' } });
    const listed = (await t.call<{ label: string }[]>('GET', '/lost-reasons')).body.map((r) => r.label);
    expect(listed).toEqual(['Price too high']);
  });

  it('reopens a closed deal explicitly into an open stage only, clearing its close', async () => {
    const d = await newDeal();
    const openReopen = await t.call<Problem>('POST', `/deals/${d.id}/reopen`, { body: { stageId: stage('Proposal') } });
    expect(openReopen.status).toBe(409);
    expect(openReopen.body.code).toBe('DEAL_NOT_CLOSED');
    await moveTo(d, { stageId: stage('Lost'), lostReasonId: reason.id });
    const intoWon = await t.call<Problem>('POST', `/deals/${d.id}/reopen`, { body: { stageId: stage('Won') } });
    expect(intoWon.status).toBe(422);
    const reopened = await t.call<Deal>('POST', `/deals/${d.id}/reopen`, { body: { stageId: stage('Negotiation') } });
    expect(reopened.status).toBe(200);
    expect(reopened.body).toMatchObject({ status: 'open', stageName: 'Negotiation', closedAt: null, lostReason: null });
    const changed = await t.outbox({ type: SALES_EVENTS.dealStageChanged, subject: d.id });
    expect(changed.map((e) => e.payload.data['reopened'])).toEqual([false, true]);
  });

  it('keeps the stage history with from, to, by, at and the time spent in each stage', async () => {
    const d = await newDeal();
    // An hour in Qualification, then two hours in Proposal.
    await t.db.query(`UPDATE deals SET stage_entered_at = now() - interval '1 hour' WHERE id = $1`, [d.id]);
    await t.db.query(`UPDATE deal_stage_history SET moved_at = now() - interval '1 hour' WHERE deal_id = $1`, [d.id]);
    await moveTo(d, { stageId: stage('Proposal') });
    await t.db.query(`UPDATE deals SET stage_entered_at = stage_entered_at - interval '2 hours' WHERE id = $1`, [d.id]);
    await t.db.query(
      `UPDATE deal_stage_history SET moved_at = moved_at - interval '2 hours' WHERE deal_id = $1 AND from_stage_id IS NOT NULL`,
      [d.id],
    );
    await t.db.query(
      `UPDATE deal_stage_history SET moved_at = moved_at - interval '2 hours' WHERE deal_id = $1 AND from_stage_id IS NULL`,
      [d.id],
    );
    await moveTo(d, { stageId: stage('Won') });
    const history = (await t.call<{ items: Move[] }>('GET', `/deals/${d.id}/history`)).body.items;
    expect(history.map((h) => [h.fromStageId, h.toStageName, h.movedBy, h.current])).toEqual([
      [null, 'Qualification', 'spec-admin', false],
      [stage('Qualification'), 'Proposal', 'spec-admin', false],
      [stage('Proposal'), 'Won', 'spec-admin', true],
    ]);
    expect(history[1].secondsInFromStage).toBeGreaterThanOrEqual(3600);
    expect(history[1].secondsInFromStage).toBeLessThan(3660);
    expect(history[2].secondsInFromStage).toBeGreaterThanOrEqual(7200);
    expect(history[2].secondsInFromStage).toBeLessThan(7260);
    expect(history[1].secondsInStage).toBe(history[2].secondsInFromStage);
  });

  it('retires a stage, moving its open deals with history, while closed deals and history keep it', async () => {
    const pl = (await t.call<Pipeline>('POST', '/pipelines', { body: { name: 'Renewals' } })).body;
    const s = (n: string) => stage(n, pl);
    const a = (
      await t.call<Deal>('POST', '/deals', {
        body: { name: 'a', pipelineId: pl.id, amountMinor: 1, currency: 'EUR', stageId: s('Proposal') },
      })
    ).body;
    const refused = await t.call<Problem>('POST', `/pipelines/${pl.id}/stages/${s('Proposal')}/retire`, { body: {} });
    expect(refused.status).toBe(409);
    expect(refused.body.code).toBe('STAGE_IN_USE');
    const lastWon = await t.call<Problem>('POST', `/pipelines/${pl.id}/stages/${s('Won')}/retire`, { body: {} });
    expect(lastWon.status).toBe(422);
    expect(lastWon.body.code).toBe('PIPELINE_STAGES_INCOMPLETE');
    const retired = await t.call<Pipeline>('POST', `/pipelines/${pl.id}/stages/${s('Proposal')}/retire`, {
      body: { moveDealsTo: s('Negotiation') },
    });
    expect(retired.status).toBe(200);
    expect(retired.body.stages.map((x) => x.name)).toEqual(['Qualification', 'Negotiation', 'Won', 'Lost']);
    expect(retired.body.retiredStages.map((x) => x.name)).toEqual(['Proposal']);
    const moved = (await t.call<Deal>('GET', `/deals/${a.id}`)).body;
    expect(moved.stageName).toBe('Negotiation');
    const history = (await t.call<{ items: Move[] }>('GET', `/deals/${a.id}/history`)).body.items;
    expect(history.map((h) => h.toStageName)).toEqual(['Proposal', 'Negotiation']);
    const into = await t.call<Problem>('POST', `/deals/${a.id}/stage`, { body: { stageId: s('Proposal') } });
    expect(into.status).toBe(422);
    expect(into.body.code).toBe('STAGE_RETIRED');
  });

  it('checks custom fields against their definitions, naming the field', async () => {
    const def = await t.call('POST', '/deal-fields', { body: { key: 'seats', label: 'Seats', type: 'number' } });
    expect(def.status).toBe(201);
    const bad = await t.call<Problem>('POST', '/deals', {
      body: {
        name: 'cf',
        pipelineId: p.id,
        amountMinor: 1,
        currency: 'EUR',
        customFields: { seats: 'ten', colour: 'red' },
      },
    });
    expect(bad.status).toBe(400);
    expect(bad.body.errors?.map((e) => e.field)).toEqual(['customFields.seats', 'customFields.colour']);
    const d = await newDeal({ customFields: { seats: 10 } });
    const updated = await t.call<Deal>('PATCH', `/deals/${d.id}`, {
      body: { customFields: { seats: null }, tags: ['vip'] },
      headers: { 'if-match': '"1"' },
    });
    expect(updated.status).toBe(200);
    expect(updated.body).toMatchObject({ customFields: {}, tags: ['vip'], version: 2 });
    expect(await t.outbox({ type: SALES_EVENTS.dealUpdated, subject: d.id })).toHaveLength(1);
  });

  it('lists deals by keyset with filters on pipeline, stage, owner, status, dates and amounts', async () => {
    const q = (s: string) => t.call<{ items: Deal[]; nextCursor: string | null }>('GET', `/deals?${s}`);
    const big = await newDeal({
      amountMinor: 9_000_000,
      expectedCloseDate: '2031-05-20',
      ownerId: 'ann',
      tags: ['big'],
    });
    expect((await q(`amountMin=8000000`)).body.items.map((d) => d.id)).toEqual([big.id]);
    expect((await q(`ownerId=ann&closeFrom=2031-05-01&closeTo=2031-05-31`)).body.items.map((d) => d.id)).toEqual([
      big.id,
    ]);
    expect(
      (await q(`tag=big&status=open&pipelineId=${p.id}&stageId=${stage('Qualification')}`)).body.items,
    ).toHaveLength(1);
    expect((await q(`status=won`)).body.items.every((d) => d.status === 'won')).toBe(true);
    const all: string[] = [];
    let cursor: string | null = null;
    do {
      const page: { items: Deal[]; nextCursor: string | null } = (
        await q(`limit=3${cursor ? `&cursor=${cursor}` : ''}`)
      ).body;
      all.push(...page.items.map((d) => d.id));
      cursor = page.nextCursor;
    } while (cursor);
    expect(all).toHaveLength(await t.count('deals'));
    expect(new Set(all).size).toBe(all.length);
    const twice = await t.call<Problem>('GET', `/deals?status=open&status=won`);
    expect(twice.status).toBe(400);
    expect(twice.body.errors?.[0].field).toBe('status');
  });
});
