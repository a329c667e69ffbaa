import { connect, type NatsConnection } from 'nats';
import { EventNaming, readStream, waitFor } from '@crm/messaging';
import { api, prepareSuite, type Suite } from './support/suite';
import { newPerson } from './support/contacts';

describe('contacts events on the wire', () => {
  let suite: Suite;
  let nc: NatsConnection;
  let naming: EventNaming;

  beforeAll(async () => {
    suite = await prepareSuite(['contacts']);
    naming = new EventNaming(suite.namespace);
    nc = await connect({ servers: suite.natsUrl });
    await suite.services['contacts'].start();
    await suite.services['contacts'].waitReady();
  });

  afterAll(async () => {
    const jsm = await nc.jetstreamManager();
    for await (const s of jsm.streams.list()) {
      if (s.config.name.startsWith(suite.namespace.toUpperCase())) await jsm.streams.delete(s.config.name);
    }
    await nc.close();
    await suite.teardown();
  });

  it('creating a contact over HTTP puts exactly one CloudEvent on the contacts stream, with Nats-Msg-Id equal to the event id', async () => {
    const contacts = suite.services['contacts'];
    const res = await api<{ id: string }>(
      contacts.baseUrl,
      'POST',
      '/contacts',
      await suite.token(),
      newPerson(1, suite.namespace),
    );
    expect(res.status).toBe(201);

    const jsm = await nc.jetstreamManager();
    const stream = naming.streamFor('contacts');
    const msgs = await waitFor(
      () => readStream(jsm, stream).catch(() => []),
      (m) => m.length >= 1,
    );
    await new Promise((r) => setTimeout(r, 1500));
    const all = await readStream(jsm, stream);
    const forContact = all.filter((m) => (m.json() as { subject: string }).subject === res.body.id);
    expect(msgs.length).toBeGreaterThanOrEqual(1);
    expect(forContact).toHaveLength(1);
    const event = forContact[0].json() as Record<string, unknown>;
    expect(event).toMatchObject({
      specversion: '1.0',
      type: 'crm.contacts.contact.created',
      source: 'crm/contacts',
      subject: res.body.id,
      datacontenttype: 'application/json',
      version: 1,
    });
    expect(forContact[0].subject).toBe(naming.subjectFor('crm.contacts.contact.created'));
    expect(forContact[0].header?.get('Nats-Msg-Id')).toBe(event['id']);
    expect((event['data'] as { id: string }).id).toBe(res.body.id);
  });
});
