import { connect } from 'nats';
import { EventNaming, readStream, waitFor } from '@crm/messaging';
import { PrivateNats } from './support/processes';
import { api, prepareSuite, type Suite } from './support/suite';
import { createPeople } from './support/contacts';

describe('contacts while NATS is down', () => {
  let nats: PrivateNats;
  let suite: Suite;

  beforeAll(async () => {
    nats = await PrivateNats.create();
    suite = await prepareSuite(['contacts'], nats.url);
  });

  afterAll(async () => {
    await suite.teardown();
    await nats.destroy();
  });

  it('stays ready (degraded) and keeps creating contacts with NATS stopped, and publishes every event once when NATS returns', async () => {
    const contacts = suite.services['contacts'];
    await nats.start();
    await contacts.start();
    await contacts.waitReady();
    const admin = await suite.token();
    const before = await createPeople(contacts.baseUrl, admin, 20, `${suite.namespace}a`);

    await nats.stop();
    const during = await createPeople(contacts.baseUrl, admin, 30, `${suite.namespace}b`, 4);
    const ready = await api<{ status: string; degraded: string[]; checks: Record<string, { status: string }> }>(
      contacts.baseUrl,
      'GET',
      '/health/ready',
      undefined,
    );
    expect(ready.status).toBe(200);
    expect(ready.body.status).toBe('degraded');
    expect(ready.body.degraded).toEqual(['nats']);
    expect(ready.body.checks['database'].status).toBe('up');
    // The relay lag is the age of the oldest unpublished row: it grows while nothing can be published.
    const lag = async () => {
      const metrics = (await api<string>(contacts.baseUrl, 'GET', '/metrics', undefined)).body;
      expect(metrics).toMatch(/^crm_readiness_degraded 1$/m);
      return Number(/^crm_outbox_relay_lag_seconds\{service="contacts"\} ([\d.e+-]+)$/m.exec(metrics)?.[1]);
    };
    const lagBefore = await lag();
    await new Promise((r) => setTimeout(r, 1500));
    const lagAfter = await lag();
    expect(lagBefore).toBeGreaterThan(0);
    expect(lagAfter).toBeGreaterThan(lagBefore + 1);

    await nats.start();
    const nc = await connect({ servers: nats.url });
    try {
      const jsm = await nc.jetstreamManager();
      const stream = new EventNaming(suite.namespace).streamFor('contacts');
      const created = () =>
        readStream(jsm, stream)
          .catch(() => [])
          .then((msgs) => msgs.filter((m) => m.subject.endsWith('contact.created')));
      const lag0 = async () => {
        const metrics = (await api<string>(contacts.baseUrl, 'GET', '/metrics', undefined)).body;
        return Number(/^crm_outbox_relay_lag_seconds\{service="contacts"\} ([\d.e+-]+)$/m.exec(metrics)?.[1]);
      };
      const msgs = await waitFor(created, (m) => m.length >= 50, 60_000, 250);
      await new Promise((r) => setTimeout(r, 1500));
      const final = await created();
      const subjects = final.map((m) => (m.json() as { subject: string }).subject);
      const ids = final.map((m) => (m.json() as { id: string }).id);
      expect(msgs.length).toBeGreaterThanOrEqual(50);
      expect(final).toHaveLength(50);
      expect(new Set(ids).size).toBe(50);
      expect(new Set(subjects)).toEqual(new Set([...before, ...during]));
      await waitFor(lag0, (n) => n === 0, 10_000, 250);
    } finally {
      await nc.close();
    }
  });
});
