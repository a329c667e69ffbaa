import { Client } from 'pg';
import { SMTPServer } from 'smtp-server';
import { connect } from 'nats';
import { deleteNamespaceStreams, waitFor } from '@crm/messaging';
import { api, prepareSuite, type Suite } from './support/suite';

jest.setTimeout(480_000);

const AUDIENCE = 300;

describe('marketing: a send killed mid-campaign resumes after a restart and mails nobody twice', () => {
  let suite: Suite;
  let smtp: SMTPServer;
  let db: Client;
  const received = new Map<string, number>();
  let sendEnv: Record<string, string> = {};

  beforeAll(async () => {
    smtp = new SMTPServer({
      authOptional: true,
      disabledCommands: ['STARTTLS', 'AUTH'],
      logger: false,
      onData(stream, session, cb) {
        stream.on('data', () => undefined);
        stream.on('end', () => {
          for (const r of session.envelope.rcptTo) received.set(r.address, (received.get(r.address) ?? 0) + 1);
          // A slow relay: the campaign is still sending when the process is killed.
          setTimeout(cb, 20);
        });
      },
    });
    // The kill resets the service's open SMTP connections (a reply still unread makes it a RST): the
    // relay sees ECONNRESET, as a real one would, and carries on.
    smtp.on('error', (error: NodeJS.ErrnoException) => {
      if (error.code !== 'ECONNRESET') throw error;
    });
    await new Promise<void>((r) => smtp.listen(0, '127.0.0.1', () => r()));
    const port = (smtp as unknown as { server: { address(): { port: number } } }).server.address().port;
    suite = await prepareSuite(['marketing']);
    db = new Client({ connectionString: suite.databases['marketing'].url });
    await db.connect();
    await db.query(
      `INSERT INTO contact_mirror (contact_id, version, status, email, first_name, country)
       SELECT marketing_uuidv7(), 1, 'active', 'crash' || g || '@example.com', 'Ada', 'FR' FROM generate_series(1, $1) g`,
      [AUDIENCE],
    );
    await db.query(
      `INSERT INTO consent_mirror (contact_id, channel, purpose, granted, decided_at)
       SELECT contact_id, 'email', 'marketing', true, now() FROM contact_mirror`,
    );
    sendEnv = {
      SMTP_URL: `smtp://127.0.0.1:${port}`,
      SEND_BATCH_SIZE: '25',
      SEND_CONCURRENCY: '4',
      SEND_LEASE_SECONDS: '3',
    };
    await suite.services['marketing'].start(sendEnv).catch((e: Error) => {
      if (!/did not come up/.test(e.message)) throw e;
    });
    await suite.services['marketing'].waitReady(120_000);
  });

  afterAll(async () => {
    await db.end();
    const nc = await connect({ servers: suite.natsUrl });
    await deleteNamespaceStreams(await nc.jetstreamManager(), suite.namespace);
    await nc.close();
    await suite.teardown();
    await new Promise<void>((r) => smtp.close(() => r()));
  });

  it('records the messages in flight at the kill as interrupted and sends every other one exactly once', async () => {
    const marketing = suite.services['marketing'];
    const admin = await suite.token(['admin']);
    const ids = (await db.query(`SELECT contact_id FROM contact_mirror`)).rows.map((r) => r.contact_id as string);
    const segment = await api<{ id: string }>(marketing.baseUrl, 'POST', '/segments', admin, {
      name: 'all',
      kind: 'static',
    });
    for (let i = 0; i < ids.length; i += 1000)
      await api(marketing.baseUrl, 'POST', `/segments/${segment.body.id}/members`, admin, {
        contactIds: ids.slice(i, i + 1000),
      });
    const template = await api<{ id: string }>(marketing.baseUrl, 'POST', '/templates', admin, {
      name: 'Crash',
      channel: 'email',
      subject: 'Hi {{ contact.firstName }}',
      body: '<p>Hello</p>',
    });
    const campaign = await api<{ id: string }>(marketing.baseUrl, 'POST', '/campaigns', admin, {
      name: 'Crash',
      channel: 'email',
      templateId: template.body.id,
      segmentIds: [segment.body.id],
    });
    expect(campaign.status).toBe(201);
    await api(marketing.baseUrl, 'POST', `/campaigns/${campaign.body.id}/schedule`, admin, {});

    const total = () => [...received.values()].reduce((a, b) => a + b, 0);
    await waitFor(
      async () => total(),
      (n) => n >= 60,
      120_000,
      20,
    );
    marketing.signal('SIGKILL');
    await new Promise((r) => setTimeout(r, 500));
    const atKill = total();
    expect(atKill).toBeLessThan(AUDIENCE);

    await marketing.start(sendEnv).catch((e: Error) => {
      if (!/did not come up/.test(e.message)) throw e;
    });
    await marketing.waitReady(120_000);
    const done = await waitFor(
      async () =>
        (
          await api<{ status: string; counts: { sent: number; skipped: number; skippedBy: Record<string, number> } }>(
            marketing.baseUrl,
            'GET',
            `/campaigns/${campaign.body.id}`,
            admin,
          )
        ).body,
      (c) => c.status === 'done',
      180_000,
      500,
    );
    // Nobody twice.
    expect([...received.values()].every((n) => n === 1)).toBe(true);
    const rows = (
      await db.query(`SELECT address, status, reason FROM campaign_messages WHERE campaign_id = $1`, [campaign.body.id])
    ).rows as { address: string | null; status: string; reason: string | null }[];
    expect(rows).toHaveLength(AUDIENCE);
    const sent = rows.filter((r) => r.status === 'sent');
    const interrupted = rows.filter((r) => r.reason === 'interrupted');
    expect(rows.filter((r) => r.status !== 'sent' && r.reason !== 'interrupted')).toEqual([]);
    expect(sent.length + interrupted.length).toBe(AUDIENCE);
    // Every message marked sent reached the relay; only the ones in flight at the kill are in doubt, and none is retried.
    expect(sent.every((r) => received.get(r.address as string) === 1)).toBe(true);
    expect(interrupted.length).toBeLessThanOrEqual(25 * 2);
    expect(done.counts.sent).toBe(sent.length);
    expect(total()).toBeGreaterThan(atKill);
  });
});
