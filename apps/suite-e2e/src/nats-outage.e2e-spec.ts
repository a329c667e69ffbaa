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

  it('keeps creating contacts with NATS stopped, and publishes every event once when NATS returns', async () => {
    const contacts = suite.services['contacts'];
    await nats.start();
    await contacts.start();
    await contacts.waitReady();
    const admin = await suite.token();
    const before = await createPeople(contacts.baseUrl, admin, 20, `${suite.namespace}a`);

    await nats.stop();
    const during = await createPeople(contacts.baseUrl, admin, 30, `${suite.namespace}b`, 4);
    const ready = await api(contacts.baseUrl, 'GET', '/health/ready', undefined);
    expect(ready.status).toBe(503);

    await nats.start();
    const nc = await connect({ servers: nats.url });
    try {
      const jsm = await nc.jetstreamManager();
      const stream = new EventNaming(suite.namespace).streamFor('contacts');
      const created = () =>
        readStream(jsm, stream)
          .catch(() => [])
          .then((msgs) => msgs.filter((m) => m.subject.endsWith('contact.created')));
      const msgs = await waitFor(created, (m) => m.length >= 50, 60_000, 250);
      await new Promise((r) => setTimeout(r, 1500));
      const final = await created();
      const subjects = final.map((m) => (m.json() as { subject: string }).subject);
      const ids = final.map((m) => (m.json() as { id: string }).id);
      expect(msgs.length).toBeGreaterThanOrEqual(50);
      expect(final).toHaveLength(50);
      expect(new Set(ids).size).toBe(50);
      expect(new Set(subjects)).toEqual(new Set([...before, ...during]));
    } finally {
      await nc.close();
    }
  });
});
