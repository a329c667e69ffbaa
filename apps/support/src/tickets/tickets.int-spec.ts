import { startSupportApp, type Fixtures, type Json, type SupportTestApp } from '../testing/support-test-app';

jest.setTimeout(60_000);

describe('tickets, assignment, merge and CSAT (real Postgres and NATS)', () => {
  let s: SupportTestApp;
  let f: Fixtures;

  beforeAll(async () => {
    s = await startSupportApp('tickets');
    f = await s.fixtures();
  });

  afterAll(() => s.close());

  /** The answer is what the service's OpenAPI document declares for the route: no field missing, none undeclared. */
  const conforms = async (method: string, route: string, answer: { body: unknown }) =>
    expect(await s.answerViolations(method, route, answer.body)).toEqual([]);

  async function agent(name: string, capacity: number, available = true): Promise<string> {
    const a = await s.call('POST', '/agents', { body: { subject: `sub-${name}`, name, capacity, available } });
    expect(a.status).toBe(201);
    await conforms('POST', '/agents', a);
    expect((await s.call('PUT', `/teams/${f.teamId}/members/${a.body.id}`)).status).toBe(204);
    return a.body.id;
  }

  it('assigns round-robin in the team, skipping full and unavailable agents, and records each assignment', async () => {
    const team = await s.call('POST', '/teams', { body: { name: 'Phones' } });
    await conforms('POST', '/teams', team);
    f = { ...f, teamId: team.body.id };
    const full = await agent('Full Fiona', 0);
    const away = await agent('Away Alan', 5, false);
    const ada = await agent('Ada', 2);
    const bob = await agent('Bob', 1);
    const assignees: string[] = [];
    for (let i = 0; i < 3; i++) {
      const t = await s.call('POST', '/tickets', { body: { subject: `Phone ${i}`, teamId: f.teamId } });
      expect(t.status).toBe(201);
      await conforms('POST', '/tickets', t);
      assignees.push(t.body.assigneeId);
    }
    expect(assignees).not.toContain(full);
    expect(assignees).not.toContain(away);
    expect(assignees.sort()).toEqual([ada, ada, bob].sort());
    // Everyone left is now at capacity: the ticket stays unassigned, and asking for round-robin says why.
    const fourth = await s.call('POST', '/tickets', { body: { subject: 'Phone 4', teamId: f.teamId } });
    expect(fourth.body.assigneeId).toBeNull();
    const again = await s.call('POST', `/tickets/${fourth.body.id}/assign`, { body: {} });
    expect(again.status).toBe(409);
    expect(again.body.code).toBe('NO_AGENT_AVAILABLE');
    // Manual reassignment is recorded with who did it.
    const manual = await s.call('POST', `/tickets/${fourth.body.id}/assign`, { body: { agentId: full } });
    expect(manual.status).toBe(200);
    expect(manual.body.assigneeId).toBe(full);
    await conforms('POST', '/tickets/{id}/assign', manual);
    const history = await s.call('GET', `/tickets/${fourth.body.id}/assignments`);
    expect(history.body.items).toEqual([
      expect.objectContaining({ fromAgentId: null, toAgentId: full, mode: 'manual', assignedBy: 'spec-admin' }),
    ]);
    await conforms('GET', '/tickets/{id}/assignments', history);
    const unassigned = await s.call('GET', `/tickets?view=unassigned&teamId=${f.teamId}`);
    expect(unassigned.body.items).toEqual([]);
    const events = await s.call('GET', `/tickets?view=team&teamId=${f.teamId}&limit=2`);
    expect(events.body.items).toHaveLength(2);
    await conforms('GET', '/tickets', events);
    const next = await s.call('GET', `/tickets?view=team&teamId=${f.teamId}&limit=2&cursor=${events.body.nextCursor}`);
    expect(next.body.items).toHaveLength(2);
    expect(next.body.nextCursor).toBeNull();
  });

  it('"mine" lists the tickets assigned to the calling agent', async () => {
    const me = await s.call('POST', '/agents', { body: { subject: 'agent-mine', name: 'Mina', capacity: 5 } });
    const t = await s.call('POST', '/tickets', { body: { subject: 'For Mina', assigneeId: me.body.id } });
    const token = await s.token(['support'], 'agent-mine');
    const mine = await s.call('GET', '/tickets?view=mine', { token });
    expect(mine.body.items.map((x: Json) => x.id)).toEqual([t.body.id]);
    await conforms('GET', '/tickets', mine);
  });

  it('follows the lifecycle: refuses a move it does not allow, reopens a solved ticket, refuses a reply once closed', async () => {
    const t = await s.call('POST', '/tickets', { body: { subject: 'Lifecycle' } });
    const id = t.body.id;
    const bad = await s.call('POST', `/tickets/${id}/status`, { body: { status: 'closed' } });
    expect(bad.status).toBe(409);
    expect(bad.body.code).toBe('TICKET_TRANSITION_INVALID');
    const stale = await s.call('POST', `/tickets/${id}/status`, {
      body: { status: 'open' },
      headers: { 'if-match': '"7"' },
    });
    expect(stale.status).toBe(412);
    const solved = await s.call('POST', `/tickets/${id}/status`, { body: { status: 'solved' } });
    expect(solved.body.status).toBe('solved');
    expect(solved.body.csat.url).toMatch(/\/csat\/[A-Za-z0-9_-]{43}$/);
    await conforms('POST', '/tickets/{id}/status', solved);
    const reopened = await s.call('POST', `/tickets/${id}/messages`, {
      body: { body: 'Still broken', authorType: 'customer' },
    });
    expect(reopened.status).toBe(201);
    await conforms('POST', '/tickets/{id}/messages', reopened);
    const open = await s.call('GET', `/tickets/${id}`);
    expect(open.body.status).toBe('open');
    await conforms('GET', '/tickets/{id}', open);
    await s.call('POST', `/tickets/${id}/status`, { body: { status: 'solved' } });
    const closed = await s.call('POST', `/tickets/${id}/status`, { body: { status: 'closed' } });
    expect(closed.status).toBe(200);
    expect(closed.body.csat).toBeUndefined();
    await conforms('POST', '/tickets/{id}/status', closed);
    const before = await s.count('ticket_messages');
    const late = await s.call('POST', `/tickets/${id}/messages`, { body: { body: 'Hello?' } });
    expect(late.status).toBe(409);
    expect(late.body.code).toBe('TICKET_CLOSED');
    expect(await s.count('ticket_messages')).toBe(before);
    const types = (await s.streamEvents()).filter((e) => e.subject === id).map((e) => e.type);
    expect(types).toEqual(
      expect.arrayContaining([
        'crm.support.ticket.created',
        'crm.support.ticket.solved',
        'crm.support.ticket.reopened',
        'crm.support.message.added',
        'crm.support.ticket.status-changed',
      ]),
    );
  });

  it('keeps internal notes out of what the customer sees', async () => {
    const t = await s.call('POST', '/tickets', { body: { subject: 'Notes' } });
    const note = await s.call('POST', `/tickets/${t.body.id}/messages`, {
      body: { body: 'Customer is VIP', internal: true },
    });
    await conforms('POST', '/tickets/{id}/messages', note);
    await s.call('POST', `/tickets/${t.body.id}/messages`, {
      body: {
        body: 'We are on it',
        attachments: [{ documentId: '01900000-0000-7000-8000-0000000000d1', name: 'steps.pdf' }],
      },
    });
    const all = await s.call('GET', `/tickets/${t.body.id}/messages`);
    expect(all.body.items.map((m: Json) => m.visibility)).toEqual(['internal', 'public']);
    await conforms('GET', '/tickets/{id}/messages', all);
    const visible = await s.call('GET', `/tickets/${t.body.id}/public-messages`);
    expect(visible.body.items.map((m: Json) => m.body)).toEqual(['We are on it']);
    await conforms('GET', '/tickets/{id}/public-messages', visible);
  });

  it('merges a duplicate of the same requester: messages move, the duplicate closes pointing to the target', async () => {
    const requesterId = '01900000-0000-7000-8000-0000000000aa';
    const a = await s.call('POST', '/tickets', { body: { subject: 'Screen cracked', requesterId } });
    const b = await s.call('POST', '/tickets', { body: { subject: 'Screen cracked again', requesterId } });
    await s.call('POST', `/tickets/${b.body.id}/messages`, {
      body: { body: 'photo attached', authorType: 'customer' },
    });
    const other = await s.call('POST', '/tickets', {
      body: { subject: 'Someone else', requesterId: '01900000-0000-7000-8000-0000000000bb' },
    });
    const refused = await s.call('POST', `/tickets/${b.body.id}/merge`, { body: { targetId: other.body.id } });
    expect(refused.status).toBe(422);
    expect(refused.body.code).toBe('TICKET_MERGE_INVALID');
    const merged = await s.call('POST', `/tickets/${b.body.id}/merge`, { body: { targetId: a.body.id } });
    expect(merged.status).toBe(200);
    await conforms('POST', '/tickets/{id}/merge', merged);
    const source = await s.call('GET', `/tickets/${b.body.id}`);
    expect(source.body).toMatchObject({ status: 'closed', mergedInto: a.body.id });
    expect(source.body.sla.every((c: Json) => c.state === 'cancelled')).toBe(true);
    const moved = await s.call('GET', `/tickets/${a.body.id}/messages`);
    expect(moved.body.items.map((m: Json) => m.body)).toEqual(['photo attached']);
    const reply = await s.call('POST', `/tickets/${b.body.id}/messages`, { body: { body: 'x' } });
    expect(reply.status).toBe(410);
    expect(reply.body.mergedInto).toBe(a.body.id);
  });

  it('takes a CSAT answer once per link, without login, and reports it per agent and team', async () => {
    const who = await s.call('POST', '/agents', { body: { subject: 'csat-agent', name: 'Cee', capacity: 5 } });
    const t = await s.call('POST', '/tickets', { body: { subject: 'CSAT', assigneeId: who.body.id } });
    const solved = await s.call('POST', `/tickets/${t.body.id}/status`, { body: { status: 'solved' } });
    const token = String(solved.body.csat.url).split('/').pop();
    const show = await s.call('GET', `/csat/${token}`, { token: null });
    expect(show.body).toMatchObject({ subject: 'CSAT', answered: false });
    await conforms('GET', '/csat/{token}', show);
    const first = await s.call('POST', `/csat/${token}`, { token: null, body: { score: 4, comment: 'quick' } });
    expect(first.status).toBe(200);
    await conforms('POST', '/csat/{token}', first);
    const second = await s.call('POST', `/csat/${token}`, { token: null, body: { score: 1 } });
    expect(second.status).toBe(409);
    expect(second.body.code).toBe('CSAT_ALREADY_ANSWERED');
    const guess = await s.call('POST', `/csat/${'A'.repeat(43)}`, { token: null, body: { score: 5 } });
    expect(guess.status).toBe(404);
    const results = await s.call('GET', '/csat/results?by=agent');
    expect(results.body.items).toEqual(expect.arrayContaining([{ id: who.body.id, answers: 1, average: 4 }]));
    await conforms('GET', '/csat/results', results);
    await conforms('GET', '/csat/results', await s.call('GET', '/csat/results?by=team'));
    const received = (await s.streamEvents('crm.support.csat.received')).filter((e) => e.subject === t.body.id);
    expect(received).toHaveLength(1);
    expect(received[0].data).toMatchObject({ score: 4, agentId: who.body.id });
    expect(JSON.stringify(received[0].data)).not.toContain('quick');
  });

  it('changes a ticket and answers the records it is routed by (teams, agents, calendars, SLA policies) as declared', async () => {
    const t = await s.call('POST', '/tickets', {
      body: { subject: 'Keyboard', tags: ['hw'], customFields: { floor: 3, vip: true, note: null } },
    });
    await conforms('POST', '/tickets', t);
    const patched = await s.call('PATCH', `/tickets/${t.body.id}`, {
      body: { priority: 'high', type: 'incident', tags: ['hw', 'desk'], customFields: { floor: 4 } },
      headers: { 'if-match': `"${t.body.version}"` },
    });
    expect(patched.status).toBe(200);
    expect(patched.body).toMatchObject({ priority: 'high', type: 'incident', tags: ['hw', 'desk'] });
    await conforms('PATCH', '/tickets/{id}', patched);

    const who = await s.call('POST', '/agents', {
      body: { subject: 'records-agent', name: 'Rey', email: 'rey@support.example', calendarId: f.calendarId },
    });
    await conforms('POST', '/agents', who);
    const busy = await s.call('PATCH', `/agents/${who.body.id}`, { body: { available: false, capacity: 3 } });
    expect(busy.body).toMatchObject({ available: false, capacity: 3, version: 2 });
    await conforms('PATCH', '/agents/{id}', busy);
    const agents = await s.call('GET', '/agents?limit=2');
    expect(agents.body.items).toHaveLength(2);
    await conforms('GET', '/agents', agents);

    const team = await s.call('POST', '/teams', {
      body: { name: 'Records', emailAddress: 'records@support.example', calendarId: f.calendarId },
    });
    await conforms('POST', '/teams', team);
    expect((await s.call('PUT', `/teams/${team.body.id}/members/${who.body.id}`)).status).toBe(204);
    const one = await s.call('GET', `/teams/${team.body.id}`);
    expect(one.body.members).toEqual([who.body.id]);
    await conforms('GET', '/teams/{id}', one);
    expect((await s.call('DELETE', `/teams/${team.body.id}/members/${who.body.id}`)).status).toBe(204);
    expect((await s.call('GET', `/teams/${team.body.id}`)).body.members).toEqual([]);
    const teams = await s.call('GET', '/teams');
    expect(teams.body.items.map((x: Json) => x.id)).toContain(team.body.id);
    await conforms('GET', '/teams', teams);

    const cal = await s.call('POST', '/calendars', {
      body: {
        name: 'Munich',
        timeZone: 'Europe/Berlin',
        hours: [{ day: 1, start: '08:00', end: '12:00' }],
        holidays: ['2026-12-24', '2026-12-31'],
        holidayCountry: 'DE',
        holidayRegion: 'BY',
      },
    });
    expect(cal.status).toBe(201);
    await conforms('POST', '/calendars', cal);
    const calendar = await s.call('GET', `/calendars/${cal.body.id}`);
    expect(calendar.body).toMatchObject({ holidays: ['2026-12-24', '2026-12-31'], holidayRegion: 'BY' });
    await conforms('GET', '/calendars/{id}', calendar);
    await conforms('GET', '/calendars', await s.call('GET', '/calendars'));

    const policy = await s.call('POST', '/sla-policies', {
      body: {
        name: 'VIP phone',
        calendarId: cal.body.id,
        priority: 'high',
        channel: 'phone',
        accountTier: 'gold',
        resolutionMinutes: 60,
      },
    });
    expect(policy.status).toBe(201);
    await conforms('POST', '/sla-policies', policy);
    const got = await s.call('GET', `/sla-policies/${policy.body.id}`);
    expect(got.body).toMatchObject({ firstResponseMinutes: null, resolutionMinutes: 60, channel: 'phone' });
    await conforms('GET', '/sla-policies/{id}', got);
    await conforms('GET', '/sla-policies', await s.call('GET', '/sla-policies'));
  });

  it('refuses an expired survey link', async () => {
    const t = await s.call('POST', '/tickets', { body: { subject: 'Old' } });
    const solved = await s.call('POST', `/tickets/${t.body.id}/status`, { body: { status: 'solved' } });
    await s.db.query(`UPDATE csat_surveys SET expires_at = now() - interval '1 minute' WHERE ticket_id = $1`, [
      t.body.id,
    ]);
    const token = String(solved.body.csat.url).split('/').pop();
    const res = await s.call('POST', `/csat/${token}`, { token: null, body: { score: 5 } });
    expect(res.status).toBe(410);
    expect(res.body.code).toBe('CSAT_EXPIRED');
  });
});
