import { waitFor } from '@crm/messaging';
import { startSupportApp, type Fixtures, type Json, type SupportTestApp } from '../testing/support-test-app';

jest.setTimeout(60_000);

const clock = (ticket: Json, target: string) => ticket.sla.find((c: Json) => c.target === target);

describe('SLA clocks on business calendars (real Postgres and NATS)', () => {
  let s: SupportTestApp;
  let office: Fixtures;
  let allDay: Fixtures;

  beforeAll(async () => {
    s = await startSupportApp('sla');
    office = await s.fixtures({ minutes: 240 });
    // A round-the-clock calendar with 1-minute targets, for clocks that fall due while the spec watches.
    const cal = await s.call('POST', '/calendars', {
      body: {
        name: '24/7',
        timeZone: 'Europe/Paris',
        hours: [1, 2, 3, 4, 5, 6, 7].map((day) => ({ day, start: '00:00', end: '24:00' })),
      },
    });
    const p = await s.call('POST', '/sla-policies', {
      body: {
        name: 'urgent chat',
        calendarId: cal.body.id,
        priority: 'urgent',
        channel: 'chat',
        firstResponseMinutes: 1,
        nextResponseMinutes: 60,
        resolutionMinutes: 120,
        warnAtPercent: 50,
      },
    });
    allDay = { calendarId: cal.body.id, policyId: p.body.id, teamId: office.teamId };
  });

  afterAll(() => s.close());

  /** The answer is what the service's OpenAPI document declares for the route: no field missing, none undeclared. */
  const conforms = async (method: string, route: string, answer: { body: unknown }) =>
    expect(await s.answerViolations(method, route, answer.body)).toEqual([]);

  it('a ticket opened Friday 16:00 in Paris with 4 business hours to first response is due Monday 11:00', async () => {
    const res = await s.call('POST', '/tickets', {
      body: { subject: 'Laptop does not boot', priority: 'normal', openedAt: '2026-11-27T15:00:00Z' },
    });
    expect(res.status).toBe(201);
    expect(res.body.slaPolicyId).toBe(office.policyId);
    expect(clock(res.body, 'first_response')).toMatchObject({
      dueAt: '2026-11-30T10:00:00.000Z',
      targetSeconds: 14400,
    });
    // 16 business hours to resolution: Fri 16-18, Mon 9-18, Tue 9-14.
    expect(clock(res.body, 'resolution').dueAt).toBe('2026-12-01T13:00:00.000Z');
    await conforms('POST', '/tickets', res);
  });

  it('skips a public holiday and counts across a DST change in local business hours', async () => {
    const easter = await s.call('POST', '/tickets', {
      body: { subject: 'Over Easter', openedAt: '2026-04-03T14:00:00Z' },
    });
    expect(clock(easter.body, 'first_response').dueAt).toBe('2026-04-07T09:00:00.000Z');
    const dst = await s.call('POST', '/tickets', { body: { subject: 'Over DST', openedAt: '2026-03-27T15:00:00Z' } });
    expect(clock(dst.body, 'first_response').dueAt).toBe('2026-03-30T09:00:00.000Z');
  });

  it('uses the most specific policy: urgent chat beats urgent', async () => {
    const res = await s.call('POST', '/tickets', { body: { subject: 'Chat', priority: 'urgent', channel: 'chat' } });
    expect(res.body.slaPolicyId).toBe(allDay.policyId);
    const plain = await s.call('POST', '/tickets', { body: { subject: 'Web', priority: 'urgent', channel: 'web' } });
    expect(plain.body.slaPolicyId).not.toBe(allDay.policyId);
  });

  it('pauses while pending (remaining business time frozen, no due time) and resumes on the customer reply', async () => {
    const created = await s.call('POST', '/tickets', {
      body: { subject: 'Pending pause', priority: 'urgent', channel: 'chat' },
    });
    const id = created.body.id;
    await s.call('POST', `/tickets/${id}/messages`, { body: { body: 'Can you send a photo?' } });
    const pending = await s.call('POST', `/tickets/${id}/status`, { body: { status: 'pending' } });
    expect(pending.status).toBe(200);
    const resolution = clock(pending.body, 'resolution');
    expect(resolution).toMatchObject({ state: 'paused', dueAt: null });
    expect(clock(pending.body, 'first_response').state).toBe('met');
    await conforms('POST', '/tickets/{id}/status', pending);
    await new Promise((r) => setTimeout(r, 2100));
    const later = await s.call('GET', `/tickets/${id}`);
    expect(clock(later.body, 'resolution').remainingSeconds).toBe(resolution.remainingSeconds);
    const reply = await s.call('POST', `/tickets/${id}/messages`, {
      body: { body: 'Here it is', authorType: 'customer' },
    });
    expect(reply.status).toBe(201);
    const resumed = await s.call('GET', `/tickets/${id}`);
    expect(resumed.body.status).toBe('open');
    const r = clock(resumed.body, 'resolution');
    expect(r.state).toBe('running');
    // Due the remaining time after the resume, so later than it would have been without the pause.
    expect(
      Date.parse(r.dueAt) - Date.parse(created.body.sla.find((c: Json) => c.target === 'resolution').dueAt),
    ).toBeGreaterThanOrEqual(2000);
    expect(clock(resumed.body, 'next_response').state).toBe('running');
    await conforms('GET', '/tickets/{id}', resumed);
  });

  it('lists tickets breaching soon, nearest due first, keyset paged', async () => {
    const later = await s.call('POST', '/tickets', {
      body: {
        subject: 'Due later',
        priority: 'urgent',
        channel: 'chat',
        openedAt: new Date(Date.now() - 40_000).toISOString(),
      },
    });
    const sooner = await s.call('POST', '/tickets', {
      body: {
        subject: 'Due sooner',
        priority: 'urgent',
        channel: 'chat',
        openedAt: new Date(Date.now() - 50_000).toISOString(),
      },
    });
    const page = await s.call('GET', '/tickets?view=breaching-soon&withinMinutes=5&limit=1');
    expect(page.status).toBe(200);
    expect(page.body.items.map((t: Json) => t.id)).toEqual([sooner.body.id]);
    expect(page.body.items[0].dueAt).toBe(clock(sooner.body, 'first_response').dueAt);
    await conforms('GET', '/tickets', page);
    const next = await s.call(
      'GET',
      `/tickets?view=breaching-soon&withinMinutes=5&limit=1&cursor=${page.body.nextCursor}`,
    );
    expect(next.body.items.map((t: Json) => t.id)).toEqual([later.body.id]);
  });

  it('emits the breach event within 5 s of the due time, with the service restarted in between, once', async () => {
    const openedAt = new Date(Date.now() - 54_000).toISOString();
    const created = await s.call('POST', '/tickets', {
      body: { subject: 'Breach me', priority: 'urgent', channel: 'chat', openedAt },
    });
    const id = created.body.id;
    const due = Date.parse(clock(created.body, 'first_response').dueAt);
    expect(due - Date.now()).toBeGreaterThan(2000);
    await s.stop();
    await new Promise((r) => setTimeout(r, 1500));
    await s.restart();
    const [breach] = await waitFor(
      async () => (await s.streamEvents('crm.support.sla.breached')).filter((e) => e.subject === id),
      (list) => list.length > 0,
      15_000,
      100,
    );
    const seenAt = Date.now();
    expect(breach.data).toMatchObject({ ticketId: id, target: 'first_response', dueAt: new Date(due).toISOString() });
    expect(seenAt - due).toBeLessThan(5000);
    expect(Date.parse(breach.data.at) - due).toBeGreaterThanOrEqual(0);
    const after = await s.call('GET', `/tickets/${id}`);
    expect(clock(after.body, 'first_response').state).toBe('breached');
    await conforms('GET', '/tickets/{id}', after);
    // Warned at 50% (before the restart or just after it), and neither event twice.
    await new Promise((r) => setTimeout(r, 1000));
    const mine = (await s.streamEvents()).filter((e) => e.subject === id && e.type.startsWith('crm.support.sla.'));
    expect(mine.map((e) => `${e.type}:${e.data.target}`).sort()).toEqual([
      'crm.support.sla.breached:first_response',
      'crm.support.sla.warning:first_response',
    ]);
  });

  it('a clock met before its due time never breaches', async () => {
    const openedAt = new Date(Date.now() - 57_000).toISOString();
    const created = await s.call('POST', '/tickets', {
      body: { subject: 'Answered in time', priority: 'urgent', channel: 'chat', openedAt },
    });
    const reply = await s.call('POST', `/tickets/${created.body.id}/messages`, { body: { body: 'On it' } });
    expect(reply.status).toBe(201);
    await new Promise((r) => setTimeout(r, 4500));
    const t = await s.call('GET', `/tickets/${created.body.id}`);
    expect(clock(t.body, 'first_response')).toMatchObject({ state: 'met' });
    expect((await s.streamEvents('crm.support.sla.breached')).filter((e) => e.subject === created.body.id)).toEqual([]);
  });
});
