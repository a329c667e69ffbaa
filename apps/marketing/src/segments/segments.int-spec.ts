import { waitFor } from '@crm/messaging';
import { uuidv7 } from '@crm/persistence';
import { daysAgo, orderData } from '../testing/orders';
import { startMarketingApp, type MarketingTestApp } from '../testing/marketing-test-app';

jest.setTimeout(60_000);

describe('segments over the contact mirror (real Postgres and NATS)', () => {
  let t: MarketingTestApp;
  const [c1, c2, c3, c4] = [uuidv7(), uuidv7(), uuidv7(), uuidv7()];
  const p1 = uuidv7();
  const names = new Map([
    [c1, 'c1'],
    [c2, 'c2'],
    [c3, 'c3'],
    [c4, 'c4'],
  ]);

  const mirrored = async () =>
    (await t.db.query(`SELECT count(*)::int AS n FROM contact_mirror WHERE status = 'active'`)).rows[0].n;

  beforeAll(async () => {
    t = await startMarketingApp('segments');
    await t.contact(c1, 1, { country: 'FR', tags: ['vip'], birthDate: '1980-05-01' }, 'created');
    await t.contact(c2, 1, { country: 'DE', lifecycleStage: 'lead' }, 'created');
    await t.contact(
      c3,
      1,
      { country: 'FR', lifecycleStage: 'lead', tags: ['newsletter'], customFields: { tier: 'gold', score: 7 } },
      'created',
    );
    await t.contact(c4, 1, { country: 'ES', customFields: { tier: 'silver', score: 3 } }, 'created');
    await t.publish('contacts', {
      type: 'crm.contacts.consent.changed',
      subject: c1,
      version: 1,
      data: {
        contactId: c1,
        channel: 'email',
        purpose: 'marketing',
        granted: true,
        source: 'form',
        decidedAt: daysAgo(1),
      },
    });
    await t.publish('sales', {
      type: 'crm.sales.order.placed',
      subject: uuidv7(),
      version: 1,
      data: orderData(c1, { placedAt: daysAgo(30), productId: p1 }),
    });
    await t.publish('sales', {
      type: 'crm.sales.order.placed',
      subject: uuidv7(),
      version: 1,
      data: orderData(c3, { placedAt: daysAgo(200) }),
    });
    await waitFor(mirrored, (n) => n === 4);
    await waitFor(
      async () => (await t.db.query(`SELECT count(*)::int AS n FROM contact_mirror WHERE order_count > 0`)).rows[0].n,
      (n) => n === 2,
    );
    await waitFor(
      async () => t.count('consent_mirror'),
      (n) => n === 1,
    );
  });
  afterAll(() => t.close());

  const table: [string, Record<string, unknown>, string[]][] = [
    ['country equals FR', { field: 'country', op: 'eq', value: 'FR' }, ['c1', 'c3']],
    ['country in DE, ES', { field: 'country', op: 'in', value: ['DE', 'ES'] }, ['c2', 'c4']],
    ['not French', { not: { field: 'country', op: 'eq', value: 'FR' } }, ['c2', 'c4']],
    ['has tag vip', { field: 'tags', op: 'hasTag', value: 'vip' }, ['c1']],
    [
      'French and bought in the last 90 days',
      {
        and: [
          { field: 'country', op: 'eq', value: 'FR' },
          { field: 'lastOrderAt', op: 'withinLastDays', value: 90 },
        ],
      },
      ['c1'],
    ],
    [
      'tag newsletter or German',
      {
        or: [
          { field: 'tags', op: 'hasTag', value: 'newsletter' },
          { field: 'country', op: 'eq', value: 'DE' },
        ],
      },
      ['c2', 'c3'],
    ],
    [
      'consented to email marketing',
      { field: 'consent', op: 'consentedTo', value: { channel: 'email', purpose: 'marketing' } },
      ['c1'],
    ],
    ['bought product p1', { field: 'products', op: 'boughtProduct', value: p1 }, ['c1']],
    [
      'bought p1 within 60 days',
      { field: 'products', op: 'boughtProductWithinDays', value: { product: p1, days: 60 } },
      ['c1'],
    ],
    [
      'bought p1 within 10 days',
      { field: 'products', op: 'boughtProductWithinDays', value: { product: p1, days: 10 } },
      [],
    ],
    ['custom field tier is gold', { field: 'customFields.tier', op: 'eq', value: 'gold' }, ['c3']],
    ['custom field score above 5', { field: 'customFields.score', op: 'gt', value: 5 }, ['c3']],
    ['at least one order', { field: 'orderCount', op: 'gte', value: 1 }, ['c1', 'c3']],
    [
      'order total between 50 and 150 EUR',
      { field: 'orderTotalMinor', op: 'between', value: [5000, 15000] },
      ['c1', 'c3'],
    ],
    ['born before 1990', { field: 'birthDate', op: 'before', value: '1990-01-01' }, ['c1']],
    ['never ordered', { field: 'lastOrderAt', op: 'isNotSet' }, ['c2', 'c4']],
    ['stage is not customer', { field: 'lifecycleStage', op: 'neq', value: 'customer' }, ['c2', 'c3']],
    [
      'not (French or Spanish) and lead',
      {
        and: [
          { not: { field: 'country', op: 'in', value: ['FR', 'ES'] } },
          { field: 'lifecycleStage', op: 'eq', value: 'lead' },
        ],
      },
      ['c2'],
    ],
  ];

  it.each(table)(
    'the filter "%s" holds exactly its contacts (preview count and sample)',
    async (_label, definition, expected) => {
      const res = await t.call<{ count: number; sample: { contactId: string }[] }>('POST', '/segments/preview', {
        body: { definition, sample: 50 },
      });
      expect(res.status).toBe(200);
      expect(await t.answerViolations('POST', '/segments/preview', res.body)).toEqual([]);
      expect(res.body.count).toBe(expected.length);
      expect(res.body.sample.map((s) => names.get(s.contactId)).sort()).toEqual(expected);
    },
  );

  it('builds a dynamic segment in the background with progress, then keeps it live per changed contact within a second', async () => {
    const created = await t.call<{ id: string; build: { status: string } }>('POST', '/segments', {
      body: { name: 'French', kind: 'dynamic', definition: { field: 'country', op: 'eq', value: 'FR' } },
    });
    expect(created.status).toBe(201);
    expect(created.headers.get('location')).toBe(`/segments/${created.body.id}`);
    const id = created.body.id;
    const built = await waitFor(
      async () =>
        (
          await t.call<{ members: number; build: { status: string; done: number; total: number } }>(
            'GET',
            `/segments/${id}`,
          )
        ).body,
      (s) => s.build.status === 'ready',
    );
    expect(built.members).toBe(2);
    expect(built.build.done).toBe(built.build.total);
    expect((await t.published('crm.marketing.segment.rebuilt')).map((e) => e.data['members'])).toEqual([2]);

    const member = async (contactId: string) =>
      (await t.db.query(`SELECT 1 FROM segment_members WHERE segment_id = $1 AND contact_id = $2`, [id, contactId]))
        .rowCount === 1;
    const started = Date.now();
    await t.contact(c2, 2, { country: 'FR', lifecycleStage: 'lead' });
    await waitFor(
      () => member(c2),
      (m) => m,
      1000,
      10,
    );
    const enteredAfter = Date.now() - started;
    await t.contact(c2, 3, { country: 'DE', lifecycleStage: 'lead' });
    await waitFor(
      () => member(c2),
      (m) => !m,
      1000,
      10,
    );
    expect(enteredAfter).toBeLessThan(1000);

    const moves = await waitFor(
      async () => (await t.published()).filter((e) => e.subject === c2 && e.type.startsWith('crm.marketing.segment.')),
      (e) => e.length === 2,
    );
    expect(moves.map((e) => e.type)).toEqual(['crm.marketing.segment.entered', 'crm.marketing.segment.left']);
    expect(moves[0].data).toMatchObject({ segmentId: id, contactId: c2 });
    // A stale update (version 2 again) changes nothing, so no second entered event.
    await t.contact(c2, 2, { country: 'FR' });
    await new Promise((r) => setTimeout(r, 500));
    expect(await member(c2)).toBe(false);
  });

  it('rebuilds only when the definition changes, and refuses an unknown field, naming it', async () => {
    const seg = await t.call<{ id: string; version: number }>('POST', '/segments', {
      body: { name: 'Vip', kind: 'dynamic', definition: { field: 'tags', op: 'hasTag', value: 'vip' } },
    });
    await waitFor(
      async () => (await t.call<{ build: { status: string } }>('GET', `/segments/${seg.body.id}`)).body,
      (s) => s.build.status === 'ready',
    );
    const renamed = await t.call<{ build: { definitionVersion: number }; version: number }>(
      'PATCH',
      `/segments/${seg.body.id}`,
      {
        body: { name: 'VIPs' },
      },
    );
    expect(renamed.body.build.definitionVersion).toBe(1);
    const redefined = await t.call<{ build: { definitionVersion: number; status: string } }>(
      'PATCH',
      `/segments/${seg.body.id}`,
      {
        body: { definition: { field: 'tags', op: 'hasAnyTag', value: ['vip', 'newsletter'] } },
        headers: { 'if-match': `"${renamed.body.version}"` },
      },
    );
    expect(redefined.body.build).toMatchObject({ definitionVersion: 2, status: 'building' });
    const rebuilt = await waitFor(
      async () =>
        (await t.call<{ members: number; build: { status: string } }>('GET', `/segments/${seg.body.id}`)).body,
      (s) => s.build.status === 'ready',
    );
    expect(rebuilt.members).toBe(2);
    const bad = await t.call<{ errors: { field: string }[] }>('POST', '/segments/preview', {
      body: { definition: { and: [{ field: 'shoeSize', op: 'eq', value: 42 }] } },
    });
    expect(bad.status).toBe(400);
    expect(bad.body.errors[0].field).toBe('definition.and.0.field');
  });

  it('moves static memberships of a merged contact to the target, and an erased contact leaves every segment', async () => {
    const seg = await t.call<{ id: string }>('POST', '/segments', { body: { name: 'List', kind: 'static' } });
    await t.call('POST', `/segments/${seg.body.id}/members`, { body: { contactIds: [c4] } });
    await t.publish('contacts', {
      type: 'crm.contacts.contact.merged',
      subject: c4,
      version: 2,
      data: { sourceId: c4, targetId: c2 },
    });
    const members = async () =>
      (await t.db.query(`SELECT contact_id FROM segment_members WHERE segment_id = $1`, [seg.body.id])).rows.map(
        (r) => r.contact_id,
      );
    await waitFor(members, (m) => m.length === 1 && m[0] === c2);
    const requestId = uuidv7();
    await t.publish('contacts', {
      type: 'crm.contacts.contact.erased',
      subject: c1,
      version: 5,
      data: {
        id: c1,
        status: 'erased',
        country: 'FR',
        lifecycleStage: 'customer',
        erasureRequestId: requestId,
        tags: [],
      },
    });
    const [receipt] = await waitFor(
      () => t.published('crm.marketing.erasure.completed'),
      (r) => r.length === 1,
    );
    expect(receipt.data).toMatchObject({ contactId: c1, requestId });
    const row = (
      await t.db.query(`SELECT email, first_name, status, country FROM contact_mirror WHERE contact_id = $1`, [c1])
    ).rows[0];
    expect(row).toEqual({ email: null, first_name: null, status: 'erased', country: 'FR' });
    expect(
      (await t.db.query(`SELECT count(*)::int AS n FROM segment_members WHERE contact_id = $1`, [c1])).rows[0].n,
    ).toBe(0);
  });

  it('answers every segment route as its document declares', async () => {
    const conform = async (method: string, route: string, res: { status: number; body: unknown }, status = 200) => {
      expect({ route, status: res.status, body: res.status === status ? 'as asked' : res.body }).toEqual({
        route,
        status,
        body: 'as asked',
      });
      expect({ route, violations: await t.answerViolations(method, route, res.body) }).toEqual({
        route,
        violations: [],
      });
    };
    const dynamic = await t.call<{ id: string; version: number }>('POST', '/segments', {
      body: {
        name: 'Paris customers',
        description: 'who live in Paris',
        kind: 'dynamic',
        definition: {
          and: [{ field: 'city', op: 'eq', value: 'Paris' }, { not: { field: 'country', op: 'eq', value: 'DE' } }],
        },
      },
    });
    await conform('POST', '/segments', dynamic, 201);
    const ready = await waitFor(
      () => t.call<{ build: { status: string } }>('GET', `/segments/${dynamic.body.id}`),
      (r) => r.body.build.status === 'ready',
    );
    await conform('GET', '/segments/{id}', ready);
    await conform(
      'PATCH',
      '/segments/{id}',
      await t.call('PATCH', `/segments/${dynamic.body.id}`, { body: { name: 'Parisians' } }),
    );
    const list = await t.call<{ items: unknown[]; nextCursor: string | null }>('GET', '/segments?limit=2');
    await conform('GET', '/segments', list);
    expect(list.body.nextCursor).not.toBeNull();
    await conform('GET', '/segments', await t.call('GET', `/segments?limit=2&cursor=${list.body.nextCursor}`));
    await conform('GET', '/segments/{id}/members', await t.call('GET', `/segments/${dynamic.body.id}/members`));

    const stat = await t.call<{ id: string }>('POST', '/segments', { body: { name: 'Static', kind: 'static' } });
    await conform('POST', '/segments', stat, 201);
    const added = await t.call<{ members: number }>('POST', `/segments/${stat.body.id}/members`, {
      body: { contactIds: [c2, c3] },
    });
    await conform('POST', '/segments/{id}/members', added);
    expect(added.body.members).toBe(2);
    const members = await t.call<{ items: unknown[]; nextCursor: string }>(
      'GET',
      `/segments/${stat.body.id}/members?limit=1`,
    );
    await conform('GET', '/segments/{id}/members', members);
    expect(members.body.items).toHaveLength(1);
    expect(members.body.nextCursor).toEqual(expect.any(String));
  });
});
