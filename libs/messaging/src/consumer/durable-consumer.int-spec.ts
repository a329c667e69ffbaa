import { DataSource, type EntityManager } from 'typeorm';
import { DiscardPolicy, headers } from 'nats';
import { createTestDatabase, postgresOptions, runMigrations, type TestDatabase } from '@crm/persistence';
import { buildCloudEvent, type CloudEvent } from '../events/cloud-event';
import { EventNaming } from '../nats/naming';
import { NatsConnector } from '../nats/nats-connector';
import { ensureStream } from '../nats/streams';
import { InboxEntity, OutboxEntity } from '../outbox/outbox.entity';
import { MessagingTables1763800000000 } from '../outbox/messaging-tables.migration';
import { InboxPruning1796150000000 } from '../outbox/inbox-pruning.migration';
import { deleteNamespaceStreams, randomNamespace, readStream, waitFor } from '../testing/stream-testing';
import { DurableConsumer } from './durable-consumer';
import type { EventHandler } from './on-event.decorator';
import type { DeadLetter, DurableConsumerOptions } from './durable-consumer';

const NATS_URL = process.env['NATS_URL'] ?? 'nats://127.0.0.1:4222';
const TYPE = 'crm.contacts.contact.created';

/** Counts contacts per country in the consumer's own table. */
class CountByCountry implements EventHandler<{ country: string }> {
  async handle(event: CloudEvent<{ country: string }>, manager: EntityManager): Promise<void> {
    if (event.data.country === 'XX') throw new Error('this handler cannot apply country XX');
    await manager.query(
      `INSERT INTO per_country (country, n) VALUES ($1, 1)
       ON CONFLICT (country) DO UPDATE SET n = per_country.n + 1`,
      [event.data.country],
    );
  }
}

describe('durable consumer (real Postgres and NATS)', () => {
  let db: TestDatabase;
  let ds: DataSource;
  let nats: NatsConnector;
  let naming: EventNaming;
  let consumer: DurableConsumer | undefined;

  beforeAll(async () => {
    db = await createTestDatabase('consumer');
    const options = postgresOptions({
      url: db.url,
      entities: [OutboxEntity, InboxEntity],
      migrations: [MessagingTables1763800000000, InboxPruning1796150000000],
    });
    await runMigrations(options);
    ds = await new DataSource(options).initialize();
    await ds.query(`CREATE TABLE per_country (country text PRIMARY KEY, n int NOT NULL)`);
    naming = new EventNaming(randomNamespace());
    nats = new NatsConnector({ url: NATS_URL, name: 'consumer-spec' });
    const jsm = await nats.jetstreamManager();
    await ensureStream(jsm, naming.streamFor('contacts'), [naming.streamSubjects('contacts')]);
  });

  afterEach(async () => {
    await consumer?.stop();
    consumer = undefined;
  });

  afterAll(async () => {
    await deleteNamespaceStreams(await nats.jetstreamManager(), naming.namespace);
    await nats.close();
    await ds.destroy();
    await db.drop();
  });

  function start(durable: string, extra: Partial<DurableConsumerOptions> = {}): DurableConsumer {
    consumer = new DurableConsumer({
      consumer: durable,
      stream: 'contacts',
      dataSource: ds,
      nats,
      naming,
      handlers: new Map([[TYPE, [new CountByCountry()]]]),
      maxDeliver: 3,
      backoffMs: [100, 200],
      ...extra,
    });
    consumer.start();
    return consumer;
  }

  async function publish(events: CloudEvent[]): Promise<void> {
    const js = await nats.jetstream();
    for (const e of events) {
      const h = headers();
      await js.publish(naming.subjectFor(e.type), JSON.stringify(e), { msgID: e.id, headers: h });
    }
  }

  const counts = async (): Promise<Record<string, number>> =>
    Object.fromEntries(
      ((await ds.query(`SELECT country, n FROM per_country`)) as { country: string; n: number }[]).map((r) => [
        r.country,
        r.n,
      ]),
    );

  const event = (country: string, i: number) =>
    buildCloudEvent('contacts', { type: TYPE, subject: `contact-${i}`, version: 1, data: { country } });

  it('stops at once when stopped while it is still setting up its stream and consumer', async () => {
    const c = start(`early-stop-${Date.now()}`);
    consumer = undefined;
    const stopped = await Promise.race([
      c.stop().then(() => 'stopped'),
      new Promise((r) => setTimeout(() => r('still running after 5 s'), 5000)),
    ]);
    expect(stopped).toBe('stopped');
  });

  it('applies events published while it was down, and a full redelivery changes nothing', async () => {
    await ds.query('DELETE FROM per_country');
    const events = [
      ...Array.from({ length: 30 }, (_, i) => event('FR', i)),
      ...Array.from({ length: 20 }, (_, i) => event('DE', 100 + i)),
    ];
    await publish(events);
    start('redelivery');
    await waitFor(counts, (c) => c['FR'] === 30 && c['DE'] === 20);
    await consumer!.stop();

    // Forget the consumer's position: the server delivers every event again.
    await (await nats.jetstreamManager()).consumers.delete(naming.streamFor('contacts'), 'redelivery');
    start('redelivery');
    await waitFor(
      async () => (await ds.query(`SELECT count(*)::int AS n FROM inbox WHERE consumer = 'redelivery'`))[0].n as number,
      (n) => n === 50,
    );
    await new Promise((r) => setTimeout(r, 500));
    expect(await counts()).toEqual({ FR: 30, DE: 20 });
  });

  it('dead-letters an event that always fails after the delivery limit and goes on with the next ones', async () => {
    await ds.query('DELETE FROM per_country');
    const poison = event('XX', 999);
    const after = Array.from({ length: 5 }, (_, i) => event('IT', 200 + i));
    await publish([poison, ...after]);
    start('dlq');
    const jsm = await nats.jetstreamManager();
    const letters = await waitFor(
      async () => {
        try {
          return (await readStream(jsm, naming.dlqStream)).map((m) => m.json() as DeadLetter);
        } catch {
          return [];
        }
      },
      (l) => l.some((d) => (d.event as CloudEvent).id === poison.id),
    );
    const letter = letters.find((d) => (d.event as CloudEvent).id === poison.id)!;
    expect(letter.consumer).toBe('dlq');
    expect(letter.deliveries).toBe(3);
    expect(letter.error.message).toContain('cannot apply country XX');
    await waitFor(counts, (c) => c['IT'] === 5);
    expect((await counts())['XX']).toBeUndefined();
    const applied = await ds.query(`SELECT count(*)::int AS n FROM inbox WHERE consumer = 'dlq' AND event_id = $1`, [
      poison.id,
    ]);
    expect(applied[0].n).toBe(0);
  });

  it('dead-letters a message that is not a CloudEvent instead of retrying it forever', async () => {
    const js = await nats.jetstream();
    await js.publish(naming.subjectFor(TYPE), 'not json at all');
    start('garbage');
    const jsm = await nats.jetstreamManager();
    await waitFor(
      async () =>
        (await readStream(jsm, naming.dlqStream)).filter((m) => (m.json() as DeadLetter).consumer === 'garbage').length,
      (n) => n === 1,
    );
  });

  it('loses no event while CRM_DLQ refuses writes: it stays pending, then is dead-lettered once the DLQ accepts', async () => {
    const jsm = await nats.jetstreamManager();
    start('refused');
    await waitFor(
      () =>
        jsm.streams.info(naming.dlqStream).then(
          () => true,
          () => false,
        ),
      (ok) => ok,
    );
    // Full and refusing new messages, as a DLQ at its limits with discard "new" does.
    const full = (await jsm.streams.info(naming.dlqStream)).state.messages;
    await jsm.streams.update(naming.dlqStream, { max_msgs: Math.max(full, 1), discard: DiscardPolicy.New });
    if (full === 0) await (await nats.jetstream()).publish(naming.dlqSubject('filler', TYPE), 'filler');
    const poison = event('XX', 777);
    await publish([poison]);

    // Far longer than the delivery limit with its backoff (3 deliveries, 100-200 ms apart).
    await new Promise((r) => setTimeout(r, 4000));
    const info = await jsm.consumers.info(naming.streamFor('contacts'), 'refused');
    expect(info.num_pending + info.num_ack_pending).toBeGreaterThan(0);
    const lettersOf = async () =>
      (await readStream(jsm, naming.dlqStream))
        .filter((m) => m.subject !== naming.dlqSubject('filler', TYPE))
        .map((m) => m.json() as DeadLetter)
        .filter((d) => (d.event as CloudEvent).id === poison.id);
    expect(await lettersOf()).toEqual([]);

    await jsm.streams.update(naming.dlqStream, { max_msgs: -1, discard: DiscardPolicy.Old });
    const letters = await waitFor(lettersOf, (l) => l.length > 0);
    expect(letters).toHaveLength(1);
    expect(letters[0].error.message).toContain('cannot apply country XX');
    await waitFor(
      async () => {
        const i = await jsm.consumers.info(naming.streamFor('contacts'), 'refused');
        return i.num_pending + i.num_ack_pending;
      },
      (n) => n === 0,
    );
  }, 30_000);

  it('prunes its own inbox rows older than the retention and keeps recent ones, which still make a redelivery harmless', async () => {
    await ds.query('DELETE FROM per_country');
    const recent = event('PT', 300);
    const oldId = buildCloudEvent('contacts', { type: TYPE, subject: 'old', version: 1, data: {} }).id;
    const othersId = buildCloudEvent('contacts', { type: TYPE, subject: 'other', version: 1, data: {} }).id;
    await ds.query(
      `INSERT INTO inbox (consumer, event_id, type, received_at) VALUES
         ('pruning', $1, $4, now() - interval '50 days'),
         ('pruning', $2, $4, now() - interval '1 hour'),
         ('someone-else', $3, $4, now() - interval '50 days')`,
      [oldId, recent.id, othersId, TYPE],
    );
    await publish([recent]);
    start('pruning', { inboxRetentionHours: 24 * 35, inboxPruneEveryMs: 200 });
    const inbox = async () =>
      (
        (await ds.query(`SELECT consumer, event_id FROM inbox WHERE event_id = ANY($1::uuid[]) ORDER BY consumer`, [
          [oldId, recent.id, othersId],
        ])) as { consumer: string; event_id: string }[]
      ).map((r) => `${r.consumer}:${r.event_id}`);
    await waitFor(inbox, (rows) => !rows.includes(`pruning:${oldId}`));
    expect(await inbox()).toEqual([`pruning:${recent.id}`, `someone-else:${othersId}`]);
    await waitFor(
      async () =>
        (await (await nats.jetstreamManager()).consumers.info(naming.streamFor('contacts'), 'pruning')).num_ack_pending,
      (n) => n === 0,
    );
    // The recent event was already applied (its inbox row says so): the delivery changed nothing.
    expect((await counts())['PT']).toBeUndefined();
  }, 30_000);
});
