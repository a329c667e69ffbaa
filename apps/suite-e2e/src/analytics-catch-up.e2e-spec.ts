import { connect, type NatsConnection } from 'nats';
import { EventNaming, deleteNamespaceStreams, waitFor } from '@crm/messaging';
import { api, prepareSuite, type Suite } from './support/suite';
import { createPeople, expectedCounts } from './support/contacts';

interface Summary {
  total: number;
  byLifecycleStage: Record<string, number>;
  byCountry: Record<string, number>;
  byAcquisitionChannel: Record<string, number>;
}

describe('analytics catches up on contacts events it missed', () => {
  let suite: Suite;
  let nc: NatsConnection;

  beforeAll(async () => {
    suite = await prepareSuite(['contacts', 'analytics']);
    nc = await connect({ servers: suite.natsUrl });
  });

  afterAll(async () => {
    await deleteNamespaceStreams(await nc.jetstreamManager(), suite.namespace);
    await nc.close();
    await suite.teardown();
  });

  it('counts exactly the 1,000 contacts created while it was stopped, and a redelivery of every event changes nothing', async () => {
    const { contacts, analytics } = suite.services;
    await contacts.start();
    await contacts.waitReady();
    const admin = await suite.token();

    await createPeople(contacts.baseUrl, admin, 1000, suite.namespace);

    await analytics.start();
    const summary = () =>
      api<Summary>(analytics.baseUrl, 'GET', '/analytics/customers/summary', admin).then((r) => r.body);
    const caughtUp = await waitFor(summary, (s) => s.total >= 1000, 90_000, 500);
    expect(caughtUp.total).toBe(1000);
    expect(caughtUp).toMatchObject(expectedCounts(1000));

    // Redelivery: forget analytics' position on the stream so every event comes again.
    await analytics.stop();
    const jsm = await nc.jetstreamManager();
    await jsm.consumers.delete(new EventNaming(suite.namespace).streamFor('contacts'), 'analytics');
    await analytics.start();
    // Redelivered events find their id in the inbox; wait until the consumer has gone past them all.
    const stream = new EventNaming(suite.namespace).streamFor('contacts');
    const pending = async () => {
      const info = await jsm.consumers.info(stream, 'analytics').catch(() => undefined);
      return info ? info.num_pending + info.num_ack_pending + (info.delivered.stream_seq === 0 ? 1 : 0) : 1;
    };
    await waitFor(pending, (n) => n === 0, 60_000, 250);
    const after = await summary();
    expect(after.total).toBe(1000);
    expect(after).toMatchObject(expectedCounts(1000));
  });
});
