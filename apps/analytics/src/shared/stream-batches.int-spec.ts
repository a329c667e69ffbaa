import { readStream, waitFor, type CloudEvent, type DeadLetter } from '@crm/messaging';
import { uuidv7 } from '@crm/persistence';
import { AnalyticsTestApp } from '../testing/analytics-test-app';

jest.setTimeout(90_000);

const CONTACTS = 30;
const TICKETS = 20;
const TOUCHES = 40;

/**
 * Backlogs waiting on the contacts, support and marketing streams when
 * analytics starts, applied in batches (small ones, on two workers, so a
 * backlog takes many): each entity in several versions in stream order, a
 * stale copy of an older version after a newer one, and one poisoned event
 * on each stream. The read models must end as one-by-one application in
 * stream order would leave them; a second delivery of everything changes
 * nothing.
 */
describe('analytics contacts, support and marketing ingest in batches (real Postgres and NATS)', () => {
  let t: AnalyticsTestApp;
  const backlog: CloudEvent[] = [];
  const poisons: CloudEvent[] = [];
  const contacts = Array.from({ length: CONTACTS }, () => uuidv7());
  const tickets = Array.from({ length: TICKETS }, () => uuidv7());
  const campaign = uuidv7();
  const team = uuidv7();

  beforeAll(async () => {
    t = new AnalyticsTestApp();
    const ev = (service: string, type: string, subject: string, version: number, data: unknown, time?: string) =>
      t.event(service, type, subject, version, data, time);
    // Contacts: created (lead in FR, Paris), updated (customer in DE, Berlin); every third erased with a request.
    contacts.forEach((id, i) => {
      const created = ev('contacts', 'crm.contacts.contact.created', id, 1, {
        id,
        status: 'active',
        lifecycleStage: 'lead',
        country: 'FR',
        city: 'Paris',
        birthDate: '1980-04-02',
        source: { channel: 'web', campaign: 'spring' },
        createdAt: '2026-01-01T10:00:00.000Z',
      });
      backlog.push(created);
      backlog.push(
        ev('contacts', 'crm.contacts.contact.updated', id, 2, {
          id,
          status: 'active',
          lifecycleStage: 'customer',
          country: 'DE',
          city: 'Berlin',
          birthDate: '1980-04-02',
          source: { channel: 'web', campaign: 'spring' },
          createdAt: '2026-01-01T10:00:00.000Z',
        }),
      );
      if (i % 3 === 0)
        backlog.push(ev('contacts', 'crm.contacts.contact.erased', id, 3, { id, erasureRequestId: uuidv7() }));
      // The creation again under another event id, after the newer versions: it must change nothing.
      if (i % 5 === 0) backlog.push({ ...created, id: uuidv7() });
    });
    const poisonedContact = ev('contacts', 'crm.contacts.contact.created', uuidv7(), 1, {
      status: 'active',
      createdAt: 'not a time',
    });
    // Support: each ticket created, solved, reopened (one reopen), solved again; a breach and an answer each.
    const ticket = (id: string, v: number, f: Record<string, unknown>) => ({
      id,
      number: 1,
      version: v,
      status: 'open',
      priority: 'high',
      channel: 'email',
      type: null,
      tags: [],
      requesterId: contacts[tickets.indexOf(id) % CONTACTS],
      accountId: null,
      assetId: null,
      teamId: team,
      assigneeId: null,
      slaPolicyId: null,
      mergedInto: null,
      createdAt: '2026-11-30T09:00:00.000Z',
      updatedAt: '2026-11-30T09:00:00.000Z',
      firstRespondedAt: null,
      solvedAt: null,
      closedAt: null,
      ...f,
    });
    for (const id of tickets) {
      const solved = { status: 'solved', firstRespondedAt: '2026-11-30T09:30:00.000Z' };
      backlog.push(ev('support', 'crm.support.ticket.created', id, 1, ticket(id, 1, {})));
      backlog.push(
        ev(
          'support',
          'crm.support.ticket.solved',
          id,
          2,
          ticket(id, 2, { ...solved, solvedAt: '2026-11-30T11:00:00.000Z' }),
        ),
      );
      backlog.push(ev('support', 'crm.support.ticket.reopened', id, 3, ticket(id, 3, { status: 'open' })));
      backlog.push(
        ev(
          'support',
          'crm.support.ticket.solved',
          id,
          4,
          ticket(id, 4, { ...solved, solvedAt: '2026-11-30T13:00:00.000Z' }),
        ),
      );
      backlog.push(
        ev('support', 'crm.support.sla.breached', id, 3, {
          ticketId: id,
          target: 'resolution',
          targetSeconds: 3600,
          dueAt: '2026-11-30T10:00:00.000Z',
          at: '2026-11-30T10:00:00.000Z',
        }),
      );
      backlog.push(
        ev('support', 'crm.support.csat.received', id, 5, {
          surveyId: uuidv7(),
          ticketId: id,
          agentId: null,
          teamId: team,
          requesterId: null,
          score: 4,
          answeredAt: '2026-11-30T18:00:00.000Z',
        }),
      );
    }
    // The last ticket is merged into the first.
    backlog.push(
      ev('support', 'crm.support.ticket.merged', tickets[TICKETS - 1], 5, {
        sourceId: tickets[TICKETS - 1],
        targetId: tickets[0],
        movedMessages: 1,
      }),
    );
    const poisonedAnswer = ev('support', 'crm.support.csat.received', tickets[1], 6, {
      surveyId: uuidv7(),
      ticketId: tickets[1],
      agentId: null,
      teamId: team,
      requesterId: null,
      score: 'lots',
      answeredAt: '2026-11-30T18:00:00.000Z',
    });
    // Marketing: a campaign scheduled then started with its cost; a message sent and an open per touch.
    const campaignData = (v: number, cost: number | null) => ({
      id: campaign,
      version: v,
      name: 'winter',
      channel: 'email',
      status: v === 1 ? 'scheduled' : 'sending',
      sendAt: null,
      costMinor: cost,
      currency: 'EUR',
      utmCampaign: 'winter',
    });
    backlog.push(ev('marketing', 'crm.marketing.campaign.scheduled', campaign, 1, campaignData(1, null)));
    backlog.push(ev('marketing', 'crm.marketing.campaign.started', campaign, 2, campaignData(2, 4200)));
    for (let i = 0; i < TOUCHES; i++) {
      const messageId = uuidv7();
      const contactId = contacts[i % CONTACTS];
      backlog.push(
        ev('marketing', 'crm.marketing.message.sent', messageId, 1, {
          messageId,
          campaignId: campaign,
          contactId,
          channel: 'email',
          variant: 'A',
          utmSource: null,
          utmMedium: null,
          utmCampaign: 'winter',
          sentAt: '2026-11-01T10:00:00.000Z',
        }),
      );
      const touch = uuidv7();
      backlog.push(
        ev('marketing', 'crm.marketing.touchpoint.recorded', touch, 1, {
          id: touch,
          contactId,
          campaignId: campaign,
          messageId,
          kind: 'opened',
          channel: 'email',
          utmSource: null,
          utmMedium: null,
          utmCampaign: 'winter',
          url: null,
          orderId: null,
          occurredAt: '2026-11-02T10:00:00.000Z',
        }),
      );
      const entryId = uuidv7();
      backlog.push(
        ev('marketing', 'crm.marketing.points.earned', contactId, 1, {
          programId: campaign,
          contactId,
          entryId,
          points: 10,
          balance: 10,
          orderId: null,
          at: '2026-11-03T10:00:00.000Z',
        }),
      );
    }
    const poisonedSurvey = ev('marketing', 'crm.marketing.survey.answered', uuidv7(), 1, {
      surveyId: uuidv7(),
      responseId: uuidv7(),
      contactId: null,
      nps: 9,
      answeredAt: 'not a time',
    });
    poisons.push(poisonedContact, poisonedAnswer, poisonedSurvey);
    for (const [i, p] of poisons.entries()) backlog.splice(Math.floor(((i + 1) * backlog.length) / 4), 0, p);
    // Published in this order on one connection, so each entity's versions are in stream order.
    t = await AnalyticsTestApp.start(
      { EVENT_MAX_DELIVER: '2', ANALYTICS_INGEST_BATCH_SIZE: '25', ANALYTICS_INGEST_WORKERS: '2' },
      backlog,
    );
  });
  afterAll(() => t?.stop());

  const facts = () =>
    t.sql<Record<string, unknown>>(
      `SELECT contact_id, version, lifecycle_stage, country, city, birth_year, status, acquisition_channel, updated_at
         FROM customer_facts ORDER BY contact_id`,
    );
  const ticketRows = () =>
    t.sql<Record<string, unknown>>(
      `SELECT ticket_id, version, status, reopens, merged_into, solved_at, resolution_business_s FROM tickets ORDER BY ticket_id`,
    );
  const counts = async () =>
    (
      await t.sql<Record<string, number>>(
        `SELECT (SELECT count(*)::int FROM lifecycle_history) AS stages, (SELECT count(*)::int FROM sla_breaches) AS breaches,
                (SELECT count(*)::int FROM csat_answers) AS answers, (SELECT count(*)::int FROM touchpoints) AS touches,
                (SELECT count(*)::int FROM points_entries) AS points, (SELECT count(*)::int FROM survey_answers) AS surveys,
                (SELECT count(*)::int FROM outbox WHERE type = 'crm.analytics.erasure.completed') AS receipts,
                (SELECT count(*)::int FROM inbox) AS inbox`,
      )
    )[0];
  const erased = contacts.filter((_, i) => i % 3 === 0);
  // What one-by-one application leaves (the backlog is built in beforeAll).
  const settled = () => ({
    stages: 2 * CONTACTS,
    breaches: TICKETS,
    answers: TICKETS,
    touches: 2 * TOUCHES,
    points: TOUCHES,
    surveys: 0,
    receipts: erased.length,
    inbox: backlog.length - poisons.length,
  });

  it('applies each backlog in batches as one by one in stream order would', async () => {
    await waitFor(counts, (c) => c.inbox === settled().inbox, 60_000).catch(() => undefined);
    expect(await counts()).toEqual(settled());
    const f = await facts();
    expect(f).toHaveLength(CONTACTS);
    for (const row of f) {
      const gone = erased.includes(row.contact_id as string);
      // The erasure keeps stage, country and channel of the newest snapshot and drops the city and birth year.
      expect(row).toMatchObject({
        version: gone ? 3 : 2,
        lifecycle_stage: 'customer',
        country: 'DE',
        acquisition_channel: 'web',
        city: gone ? null : 'Berlin',
        birth_year: gone ? null : 1980,
        status: gone ? 'erased' : 'active',
      });
    }
    const rows = await ticketRows();
    expect(rows).toHaveLength(TICKETS);
    for (const row of rows)
      expect(row).toMatchObject({
        version: 4,
        status: 'solved',
        reopens: 1,
        merged_into: row.ticket_id === tickets[TICKETS - 1] ? tickets[0] : null,
        resolution_business_s: '14400',
      });
    const [c] = await t.sql<{ version: number; cost_minor: string }>(
      `SELECT version, cost_minor FROM campaigns WHERE campaign_id = $1`,
      [campaign],
    );
    expect(c).toEqual({ version: 2, cost_minor: '4200' });
    // Rows written in one transaction share its now(): far fewer distinct times than events.
    const [inbox] = await t.sql<{ events: number; transactions: number }>(
      `SELECT count(*)::int AS events, count(DISTINCT received_at)::int AS transactions FROM inbox`,
    );
    expect(inbox.transactions).toBeLessThan(inbox.events / 5);
  });

  it('dead-letters each stream poisoned event alone', async () => {
    const jsm = await t.nc.jetstreamManager();
    const letters = await waitFor(
      async () => (await readStream(jsm, t.naming.dlqStream).catch(() => [])).map((m) => m.json() as DeadLetter),
      (l) => l.length >= poisons.length,
      30_000,
    );
    expect(letters.map((l) => (l.event as CloudEvent).id).sort()).toEqual(poisons.map((p) => p.id).sort());
  });

  it('applies nothing twice when every backlog is delivered again', async () => {
    const before = { facts: await facts(), tickets: await ticketRows(), counts: await counts() };
    for (const e of backlog) if (!poisons.includes(e)) await t.publish(e, `${e.id}-again`);
    const jsm = await t.nc.jetstreamManager();
    for (const s of ['contacts', 'support', 'marketing']) {
      const stream = t.naming.streamFor(s);
      const last = (await jsm.streams.info(stream)).state.last_seq;
      await waitFor(
        async () => {
          const i = await jsm.consumers.info(stream, 'analytics');
          return i.delivered.stream_seq >= last && i.num_ack_pending === 0 && i.num_pending === 0;
        },
        (done) => done,
        60_000,
      );
    }
    expect({ facts: await facts(), tickets: await ticketRows(), counts: await counts() }).toEqual(before);
  });
});
