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

  async function agent(name: string, capacity: number, available = true): Promise<string> {
    const a = await s.call('POST', '/agents', { body: { subject: `sub-${name}`, name, capacity, available } });
    expect(a.status).toBe(201);
    expect((await s.call('PUT', `/teams/${f.teamId}/members/${a.body.id}`)).status).toBe(204);
    return a.body.id;
  }

  it('assigns round-robin in the team, skipping full and unavailable agents, and records each assignment', async () => {
    const team = await s.call('POST', '/teams', { body: { name: 'Phones' } });
    f = { ...f, teamId: team.body.id };
    const full = await agent('Full Fiona', 0);
    const away = await agent('Away Alan', 5, false);
    const ada = await agent('Ada', 2);
    const bob = await agent('Bob', 1);
    const assignees: string[] = [];
    for (let i = 0; i < 3; i++) {
      const t = await s.call('POST', '/tickets', { body: { subject: `Phone ${i}`, teamId: f.teamId } });
      expect(t.status).toBe(201);
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
    const history = await s.call('GET', `/tickets/${fourth.body.id}/assignments`);
    expect(history.body.items).toEqual([
      expect.objectContaining({ fromAgentId: null, toAgentId: full, mode: 'manual', assignedBy: 'spec-admin' }),
    ]);
    const unassigned = await s.call('GET', `/tickets?view=unassigned&teamId=${f.teamId}`);
    expect(unassigned.body.items).toEqual([]);
    const events = await s.call('GET', `/tickets?view=team&teamId=${f.teamId}&limit=2`);
    expect(events.body.items).toHaveLength(2);
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
    const reopened = await s.call('POST', `/tickets/${id}/messages`, {
      body: { body: 'Still broken', authorType: 'customer' },
    });
    expect(reopened.status).toBe(201);
    expect((await s.call('GET', `/tickets/${id}`)).body.status).toBe('open');
    await s.call('POST', `/tickets/${id}/status`, { body: { status: 'solved' } });
    expect((await s.call('POST', `/tickets/${id}/status`, { body: { status: 'closed' } })).status).toBe(200);
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
    await s.call('POST', `/tickets/${t.body.id}/messages`, { body: { body: 'Customer is VIP', internal: true } });
    await s.call('POST', `/tickets/${t.body.id}/messages`, { body: { body: 'We are on it' } });
    const all = await s.call('GET', `/tickets/${t.body.id}/messages`);
    expect(all.body.items.map((m: Json) => m.visibility)).toEqual(['internal', 'public']);
    const visible = await s.call('GET', `/tickets/${t.body.id}/public-messages`);
    expect(visible.body.items.map((m: Json) => m.body)).toEqual(['We are on it']);
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
    const first = await s.call('POST', `/csat/${token}`, { token: null, body: { score: 4, comment: 'quick' } });
    expect(first.status).toBe(200);
    const second = await s.call('POST', `/csat/${token}`, { token: null, body: { score: 1 } });
    expect(second.status).toBe(409);
    expect(second.body.code).toBe('CSAT_ALREADY_ANSWERED');
    const guess = await s.call('POST', `/csat/${'A'.repeat(43)}`, { token: null, body: { score: 5 } });
    expect(guess.status).toBe(404);
    const results = await s.call('GET', '/csat/results?by=agent');
    expect(results.body.items).toEqual(expect.arrayContaining([{ id: who.body.id, answers: 1, average: 4 }]));
    const received = (await s.streamEvents('crm.support.csat.received')).filter((e) => e.subject === t.body.id);
    expect(received).toHaveLength(1);
    expect(received[0].data).toMatchObject({ score: 4, agentId: who.body.id });
    expect(JSON.stringify(received[0].data)).not.toContain('quick');
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
