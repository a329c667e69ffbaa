import { AckPolicy, DiscardPolicy, nanos, RetentionPolicy, StorageType, type StreamConfig } from 'nats';
import { deleteNamespaceStreams, randomNamespace } from '../testing/stream-testing';
import { EventNaming } from './naming';
import { NatsConnector } from './nats-connector';
import { ensureDurableConsumer, ensureStream, widenStream } from './streams';

const NATS_URL = process.env['NATS_URL'] ?? 'nats://127.0.0.1:4222';
const DAY = 24 * 3600 * 1000;

const config = (c: Partial<StreamConfig>): StreamConfig =>
  ({
    name: 'S',
    subjects: ['crm.contacts.>'],
    retention: RetentionPolicy.Limits,
    storage: StorageType.File,
    discard: DiscardPolicy.Old,
    max_age: nanos(30 * DAY),
    duplicate_window: nanos(10 * 60 * 1000),
    num_replicas: 1,
    ...c,
  }) as StreamConfig;

describe('stream provisioning', () => {
  it('keeps an operator’s R3 stream at three replicas when the service asks for one', () => {
    expect(widenStream(config({ num_replicas: 3 }), config({ num_replicas: 1 }))).toBeUndefined();
  });

  it('raises replicas, age and subjects that fall short of the settings, and only those', () => {
    expect(
      widenStream(
        config({ num_replicas: 1, max_age: nanos(7 * DAY), subjects: ['other.>'] }),
        config({ num_replicas: 3, max_age: nanos(30 * DAY) }),
      ),
    ).toEqual({ num_replicas: 3, max_age: nanos(30 * DAY), subjects: ['other.>', 'crm.contacts.>'] });
  });

  it('treats an unlimited age as longer than any setting', () => {
    expect(widenStream(config({ max_age: 0 }), config({ max_age: nanos(365 * DAY) }))).toBeUndefined();
  });
});

describe('ensureStream on a real NATS', () => {
  let nats: NatsConnector;
  let naming: EventNaming;

  beforeAll(async () => {
    naming = new EventNaming(randomNamespace());
    nats = new NatsConnector({ url: NATS_URL, name: 'streams-spec' });
    await nats.connection();
  });

  afterAll(async () => {
    await deleteNamespaceStreams(await nats.jetstreamManager(), naming.namespace);
    await nats.close();
  });

  it('creates a missing stream with the configured age', async () => {
    const jsm = await nats.jetstreamManager();
    const name = naming.streamFor('created');
    await ensureStream(jsm, name, [naming.streamSubjects('created')], { maxAgeDays: 3 });
    const info = await jsm.streams.info(name);
    expect(info.config.max_age).toBe(nanos(3 * DAY));
    expect(info.config.num_replicas).toBe(1);
  });

  it('leaves what an operator provisioned (90 days, a message cap, discard new) as it was', async () => {
    const jsm = await nats.jetstreamManager();
    const name = naming.streamFor('provisioned');
    await jsm.streams.add({
      name,
      subjects: [naming.streamSubjects('provisioned')],
      storage: StorageType.File,
      max_age: nanos(90 * DAY),
      max_msgs: 1_000_000,
      discard: DiscardPolicy.New,
      duplicate_window: nanos(30 * 60 * 1000),
    });
    await ensureStream(jsm, name, [naming.streamSubjects('provisioned')], { maxAgeDays: 30 });
    const c = (await jsm.streams.info(name)).config;
    expect(c.max_age).toBe(nanos(90 * DAY));
    expect(c.max_msgs).toBe(1_000_000);
    expect(c.discard).toBe(DiscardPolicy.New);
    expect(c.duplicate_window).toBe(nanos(30 * 60 * 1000));
  });

  it('lengthens a stream kept for less time than the setting asks', async () => {
    const jsm = await nats.jetstreamManager();
    const name = naming.streamFor('short');
    await jsm.streams.add({
      name,
      subjects: [naming.streamSubjects('short')],
      storage: StorageType.File,
      max_age: nanos(DAY),
    });
    await ensureStream(jsm, name, [naming.streamSubjects('short')], { maxAgeDays: 30 });
    expect((await jsm.streams.info(name)).config.max_age).toBe(nanos(30 * DAY));
  });

  it('lifts the server delivery limit of a consumer created by an earlier release, so the server never drops an event', async () => {
    const jsm = await nats.jetstreamManager();
    const name = naming.streamFor('upgraded');
    await ensureStream(jsm, name, [naming.streamSubjects('upgraded')]);
    await jsm.consumers.add(name, { durable_name: 'analytics', ack_policy: AckPolicy.Explicit, max_deliver: 8 });
    await ensureDurableConsumer(jsm, {
      stream: name,
      durable: 'analytics',
      filterSubject: naming.streamSubjects('upgraded'),
      maxDeliver: -1,
      ackWaitMs: 30_000,
      maxAckPending: 1000,
    });
    expect((await jsm.consumers.info(name, 'analytics')).config.max_deliver).toBe(-1);
  });
});
