import { connect, type NatsConnection } from 'nats';
import { EventNaming, readStream, waitFor } from '@crm/messaging';
import { ServiceProcess } from './support/processes';
import { prepareSuite, type Suite } from './support/suite';
import { createPeople } from './support/contacts';

describe('contacts relay failover', () => {
  let suite: Suite;
  let standby: ServiceProcess | undefined;
  let nc: NatsConnection;

  beforeAll(async () => {
    suite = await prepareSuite(['contacts']);
    nc = await connect({ servers: suite.natsUrl });
  });

  afterAll(async () => {
    suite.services['contacts'].signal('SIGCONT');
    await standby?.stop();
    await suite.teardown();
    await nc.close();
  });

  it('hands relaying to a standby within 10 s when the lock holder freezes or is killed, and publishes every event once', async () => {
    const holder = suite.services['contacts'];
    await holder.start();
    await holder.waitReady();
    const admin = await suite.token();
    const jsm = await nc.jetstreamManager();
    const stream = new EventNaming(suite.namespace).streamFor('contacts');
    const created = () =>
      readStream(jsm, stream)
        .catch(() => [])
        .then((msgs) =>
          msgs
            .filter((m) => m.subject.endsWith('contact.created'))
            .map((m) => (m.json() as { subject: string }).subject),
        );

    const first = await createPeople(holder.baseUrl, admin, 5, `${suite.namespace}a`);
    await waitFor(created, (s) => s.length === 5, 15_000, 200);

    // Same database, same service: a second replica that stands by.
    standby = new ServiceProcess({ app: 'contacts', env: holder.env });
    await standby.start();
    await standby.waitReady();

    // Frozen, the holder's process keeps its TCP connection and, without timeouts, its lock.
    holder.signal('SIGSTOP');
    const frozenAt = Date.now();
    const second = await createPeople(standby.baseUrl, admin, 20, `${suite.namespace}b`, 4);
    await waitFor(created, (s) => s.length >= 25, 10_000, 200);
    expect(Date.now() - frozenAt).toBeLessThan(10_000);

    // Thawed, the old holder finds its session gone and stands by; its writes are relayed by the new holder.
    holder.signal('SIGCONT');
    const third = await createPeople(holder.baseUrl, admin, 5, `${suite.namespace}c`);
    await waitFor(created, (s) => s.length >= 30, 15_000, 200);
    await new Promise((r) => setTimeout(r, 1500));
    const subjects = await created();
    expect(subjects).toHaveLength(30);
    expect(new Set(subjects)).toEqual(new Set([...first, ...second, ...third]));

    // Killed outright, the new holder's connection drops with it; the first replica takes the relay back.
    standby.signal('SIGKILL');
    const killedAt = Date.now();
    const fourth = await createPeople(holder.baseUrl, admin, 5, `${suite.namespace}d`);
    await waitFor(created, (s) => s.length >= 35, 10_000, 200);
    expect(Date.now() - killedAt).toBeLessThan(10_000);
    await new Promise((r) => setTimeout(r, 1500));
    const all = await created();
    expect(all).toHaveLength(35);
    expect(new Set(all)).toEqual(new Set([...first, ...second, ...third, ...fourth]));
  });
});
