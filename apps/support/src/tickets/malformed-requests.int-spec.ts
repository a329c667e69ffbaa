import { startSupportApp, type CallOptions, type SupportTestApp } from '../testing/support-test-app';

jest.setTimeout(60_000);

const someId = '0190f0f0-0000-7000-8000-000000000001';
const cursorOf = (values: unknown[]) => Buffer.from(JSON.stringify(values)).toString('base64url');

/** [what, method, path, request, status, a string the problem body must contain] */
type Case = [string, string, string, CallOptions, number, string];

const TABLES = [
  'tickets',
  'ticket_messages',
  'sla_clocks',
  'calendars',
  'sla_policies',
  'teams',
  'agents',
  'team_members',
  'csat_surveys',
  'outbox',
  'outgoing_mail',
];

describe('malformed requests get a 4xx problem naming the problem and write nothing (real Postgres)', () => {
  let s: SupportTestApp;
  let ticketId: string;
  let closedId: string;
  let calendarId: string;
  let teamId: string;

  beforeAll(async () => {
    s = await startSupportApp('malformed');
    const f = await s.fixtures();
    calendarId = f.calendarId;
    teamId = f.teamId;
    ticketId = (await s.call('POST', '/tickets', { body: { subject: 'Valid' } })).body.id;
    closedId = (await s.call('POST', '/tickets', { body: { subject: 'Closed' } })).body.id;
    await s.call('POST', `/tickets/${closedId}/status`, { body: { status: 'solved' } });
    await s.call('POST', `/tickets/${closedId}/status`, { body: { status: 'closed' } });
  });
  afterAll(() => s.close());

  const hours = [{ day: 1, start: '09:00', end: '17:00' }];
  const cases: () => Case[] = () => [
    ['missing subject', 'POST', '/tickets', { body: {} }, 400, 'subject'],
    ['blank subject', 'POST', '/tickets', { body: { subject: '   ' } }, 400, 'subject'],
    ['subject a number', 'POST', '/tickets', { body: { subject: 42 } }, 400, 'subject'],
    ['oversized subject', 'POST', '/tickets', { body: { subject: 'x'.repeat(301) } }, 400, 'subject'],
    ['NUL byte in subject', 'POST', '/tickets', { body: { subject: 'a\u0000b' } }, 400, 'subject'],
    [
      'lone surrogate in description',
      'POST',
      '/tickets',
      { raw: '{"subject":"x","description":"\\ud800"}' },
      400,
      'description',
    ],
    ['unknown priority', 'POST', '/tickets', { body: { subject: 'x', priority: 'asap' } }, 400, 'priority'],
    ['unknown channel', 'POST', '/tickets', { body: { subject: 'x', channel: 'fax' } }, 400, 'channel'],
    ['unknown field', 'POST', '/tickets', { body: { subject: 'x', owner: 'me' } }, 400, 'owner'],
    ['requesterId not a UUID', 'POST', '/tickets', { body: { subject: 'x', requesterId: '42' } }, 400, 'requesterId'],
    [
      'bad requester email',
      'POST',
      '/tickets',
      { body: { subject: 'x', requesterEmail: 'nope' } },
      400,
      'requesterEmail',
    ],
    [
      'too many tags',
      'POST',
      '/tickets',
      { body: { subject: 'x', tags: Array.from({ length: 21 }, (_, i) => `t${i}`) } },
      400,
      'tags',
    ],
    [
      'custom fields nested',
      'POST',
      '/tickets',
      { body: { subject: 'x', customFields: { a: { b: 1 } } } },
      400,
      'customFields',
    ],
    [
      'openedAt in the future',
      'POST',
      '/tickets',
      { body: { subject: 'x', openedAt: '2999-01-01T00:00:00Z' } },
      400,
      'openedAt',
    ],
    ['openedAt not a date', 'POST', '/tickets', { body: { subject: 'x', openedAt: 'yesterday' } }, 400, 'openedAt'],
    ['unknown team', 'POST', '/tickets', { body: { subject: 'x', teamId: someId } }, 404, 'teamId'],
    ['unknown asset', 'POST', '/tickets', { body: { subject: 'x', assetId: someId } }, 404, 'assetId'],
    [
      'deeply nested body',
      'POST',
      '/tickets',
      { raw: `{"subject":"x","customFields":${'{"a":'.repeat(200)}1${'}'.repeat(200)}}` },
      400,
      'customFields',
    ],
    ['body not JSON', 'POST', '/tickets', { raw: '{"subject":' }, 400, 'body'],
    [
      'huge body',
      'POST',
      '/tickets',
      { raw: JSON.stringify({ subject: 'x', description: 'y'.repeat(1_100_000) }) },
      413,
      'too large',
    ],
    ['ticket id not a UUID', 'GET', '/tickets/42', {}, 400, 'id'],
    ['unknown ticket', 'GET', `/tickets/${someId}`, {}, 404, 'TICKET_NOT_FOUND'],
    ['bad cursor', 'GET', '/tickets?cursor=!!!', {}, 400, 'cursor'],
    ['cursor of another listing', 'GET', `/tickets?cursor=${cursorOf(['x', 'y'])}`, {}, 400, 'cursor'],
    ['cursor with a non-id', 'GET', `/tickets?cursor=${cursorOf(['not-a-uuid'])}`, {}, 400, 'cursor'],
    ['limit too big', 'GET', '/tickets?limit=1000', {}, 400, 'limit'],
    ['unknown view', 'GET', '/tickets?view=everything', {}, 400, 'view'],
    ['team view without team', 'GET', '/tickets?view=team', {}, 400, 'teamId'],
    ['status given twice', 'GET', '/tickets?status=open&status=new', {}, 400, 'status'],
    ['withinMinutes zero', 'GET', '/tickets?view=breaching-soon&withinMinutes=0', {}, 400, 'withinMinutes'],
    ['unknown status', 'POST', `/tickets/{t}/status`, { body: { status: 'done' } }, 400, 'status'],
    [
      'a transition not allowed',
      'POST',
      `/tickets/{t}/status`,
      { body: { status: 'closed' } },
      409,
      'TICKET_TRANSITION_INVALID',
    ],
    [
      'bad If-Match',
      'POST',
      `/tickets/{t}/status`,
      { body: { status: 'open' }, headers: { 'if-match': 'abc' } },
      400,
      'If-Match',
    ],
    [
      'stale If-Match',
      'PATCH',
      `/tickets/{t}`,
      { body: { priority: 'high' }, headers: { 'if-match': '"99"' } },
      412,
      'VERSION_CONFLICT',
    ],
    [
      'a reply to a closed ticket',
      'POST',
      `/tickets/{closed}/messages`,
      { body: { body: 'hello' } },
      409,
      'TICKET_CLOSED',
    ],
    ['empty message', 'POST', `/tickets/{t}/messages`, { body: { body: '' } }, 400, 'body'],
    [
      'message author unknown',
      'POST',
      `/tickets/{t}/messages`,
      { body: { body: 'x', authorType: 'bot' } },
      400,
      'authorType',
    ],
    [
      'attachment without document id',
      'POST',
      `/tickets/{t}/messages`,
      { body: { body: 'x', attachments: [{ name: 'a.pdf' }] } },
      400,
      'attachments.0.documentId',
    ],
    ['merge into itself', 'POST', `/tickets/{t}/merge`, { body: { targetId: '{t}' } }, 400, 'targetId'],
    [
      'merge into an unknown ticket',
      'POST',
      `/tickets/{t}/merge`,
      { body: { targetId: someId } },
      404,
      'TICKET_NOT_FOUND',
    ],
    [
      'assign to an unknown agent',
      'POST',
      `/tickets/{t}/assign`,
      { body: { agentId: someId } },
      404,
      'AGENT_NOT_FOUND',
    ],
    ['round-robin without a team', 'POST', `/tickets/{t}/assign`, { body: {} }, 400, 'teamId'],
    [
      'calendar with overlapping hours',
      'POST',
      '/calendars',
      { body: { name: 'c', timeZone: 'Europe/Paris', hours: [...hours, { day: 1, start: '16:00', end: '18:00' }] } },
      400,
      'overlaps',
    ],
    [
      'calendar end before start',
      'POST',
      '/calendars',
      { body: { name: 'c', timeZone: 'Europe/Paris', hours: [{ day: 2, start: '17:00', end: '09:00' }] } },
      400,
      'hours.0.end',
    ],
    [
      'calendar day 8',
      'POST',
      '/calendars',
      { body: { name: 'c', timeZone: 'Europe/Paris', hours: [{ day: 8, start: '09:00', end: '10:00' }] } },
      400,
      'hours.0.day',
    ],
    [
      'calendar unknown time zone',
      'POST',
      '/calendars',
      { body: { name: 'c', timeZone: 'Mars/Olympus', hours } },
      400,
      'timeZone',
    ],
    [
      'calendar without hours',
      'POST',
      '/calendars',
      { body: { name: 'c', timeZone: 'Europe/Paris', hours: [] } },
      400,
      'hours',
    ],
    [
      'calendar bad holiday date',
      'POST',
      '/calendars',
      { body: { name: 'c', timeZone: 'Europe/Paris', hours, holidays: ['2026-13-01'] } },
      400,
      'holidays',
    ],
    [
      'calendar unknown holiday region',
      'POST',
      '/calendars',
      { body: { name: 'c', timeZone: 'Europe/Paris', hours, holidayCountry: 'FR', holidayRegion: 'ZZ' } },
      400,
      'holidayRegion',
    ],
    [
      'policy on an unknown calendar',
      'POST',
      '/sla-policies',
      { body: { name: 'p', calendarId: someId, priority: 'low', firstResponseMinutes: 5 } },
      404,
      'calendarId',
    ],
    [
      'policy without targets',
      'POST',
      '/sla-policies',
      { body: { name: 'p', calendarId: '{cal}', priority: 'low' } },
      400,
      'firstResponseMinutes',
    ],
    [
      'policy with 0 minutes',
      'POST',
      '/sla-policies',
      { body: { name: 'p', calendarId: '{cal}', priority: 'low', resolutionMinutes: 0 } },
      400,
      'resolutionMinutes',
    ],
    [
      'agent capacity negative',
      'POST',
      '/agents',
      { body: { subject: 's', name: 'n', capacity: -1 } },
      400,
      'capacity',
    ],
    ['team address not an email', 'POST', '/teams', { body: { name: 't', emailAddress: 'nope' } }, 400, 'emailAddress'],
    ['member of an unknown team', 'PUT', `/teams/${someId}/members/${someId}`, {}, 404, 'TEAM_NOT_FOUND'],
    ['assets without contactId', 'GET', '/assets', {}, 400, 'contactId'],
    ['warranty of 601 months', 'PUT', `/warranties/${someId}`, { body: { months: 601 } }, 400, 'months'],
    ['CSAT token of the wrong shape', 'POST', '/csat/abc', { token: null, body: { score: 5 } }, 400, 'token'],
    ['CSAT score 6', 'POST', `/csat/${'A'.repeat(43)}`, { token: null, body: { score: 6 } }, 400, 'score'],
    ['CSAT results by nothing', 'GET', '/csat/results?by=month', {}, 400, 'by'],
    [
      'webhook without signature',
      'POST',
      '/channels/webhook/chat',
      { token: null, body: { messageId: 'm', conversationId: 'c', from: { id: 'u' }, text: 'x' } },
      503,
      'WEBHOOK_NOT_CONFIGURED',
    ],
    ['webhook of an unknown platform', 'POST', '/channels/webhook/fax', { token: null, body: {} }, 503, 'WEBHOOK'],
  ];

  it('covers at least 30 kinds of malformed request', () => {
    expect(cases().length).toBeGreaterThanOrEqual(30);
  });

  it.each(cases().map((c, i) => [c[0], i] as const))('%s', async (_label, i) => {
    const [, method, rawPath, rawOpts, status, named] = cases()[i];
    const fill = (v: string) =>
      v.replace('{t}', ticketId).replace('{closed}', closedId).replace('{cal}', calendarId).replace('{team}', teamId);
    const path = fill(rawPath);
    const opts: CallOptions = {
      ...rawOpts,
      ...(rawOpts.body ? { body: JSON.parse(fill(JSON.stringify(rawOpts.body))) } : {}),
    };
    const counts = async () => Promise.all(TABLES.map((t) => s.count(t)));
    const before = await counts();
    const res = await s.call(method, path, opts);
    expect(res.status).toBe(status);
    expect(res.headers.get('content-type')).toContain('application/problem+json');
    expect(res.body.status).toBe(status);
    expect(res.body.code).toEqual(expect.any(String));
    expect(JSON.stringify(res.body)).toContain(named);
    expect(await counts()).toEqual(before);
  });
});
