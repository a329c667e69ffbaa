import { DataSource, type EntityManager } from 'typeorm';
import { createTestDatabase, postgresOptions, runMigrations, type TestDatabase } from '@crm/persistence';
import { buildCloudEvent, type CloudEvent } from '../events/cloud-event';
import { EventNaming } from '../nats/naming';
import { NatsConnector } from '../nats/nats-connector';
import { ensureStream } from '../nats/streams';
import { InboxEntity, OutboxEntity } from '../outbox/outbox.entity';
import { MessagingTables1763800000000 } from '../outbox/messaging-tables.migration';
import { InboxPruning1796150000000 } from '../outbox/inbox-pruning.migration';
import { deleteNamespaceStreams, randomNamespace, readStream, waitFor } from '../testing/stream-testing';
import { DurableConsumer, type DeadLetter, type DurableConsumerOptions } from './durable-consumer';
import type { EventHandler } from './on-event.decorator';

const NATS_URL = process.env['NATS_URL'] ?? 'nats://127.0.0.1:4222';
const TYPE = 'crm.sales.order.placed';

interface Step {
  n: number;
  poison?: boolean;
  /** The partition an entity belongs to (as an order belongs to a customer). */
  group?: string;
}

/** Logs each event it applies (entity, step) with the call and position it came in; refuses poisoned events. */
class StepLog implements EventHandler<Step> {
  calls = 0;
  largest = 0;
  inFlight = 0;
  mostInFlight = 0;

  /** `pauseMs`: each batch holds its transaction this long (so workers overlap); `onCall` runs first. */
  constructor(private readonly o: { pauseMs?: number; onCall?: (call: number) => Promise<void> } = {}) {}

  async handle(event: CloudEvent<Step>, manager: EntityManager): Promise<void> {
    await this.handleBatch([event], manager);
  }

  async handleBatch(events: CloudEvent<Step>[], manager: EntityManager): Promise<void> {
    if (events.some((e) => e.data.poison)) throw new Error('this handler cannot apply a poisoned step');
    const call = (this.calls += 1);
    this.largest = Math.max(this.largest, events.length);
    this.inFlight += 1;
    this.mostInFlight = Math.max(this.mostInFlight, this.inFlight);
    try {
      await this.o.onCall?.(call);
      if (this.o.pauseMs) await manager.query(`SELECT pg_sleep($1)`, [this.o.pauseMs / 1000]);
      await manager.query(
        `INSERT INTO step_log (call, pos, subject, n)
         SELECT $1, pos, subject, n FROM unnest($2::text[], $3::int[]) WITH ORDINALITY AS t(subject, n, pos)`,
        [call, events.map((e) => e.subject), events.map((e) => e.data.n)],
      );
    } finally {
      this.inFlight -= 1;
    }
  }
}

/** Applies one event at a time only (no handleBatch). */
class CountOnly implements EventHandler<Step> {
  async handle(event: CloudEvent<Step>, manager: EntityManager): Promise<void> {
    await manager.query(
      `INSERT INTO step_count (subject, n) VALUES ($1, 1)
      ON CONFLICT (subject) DO UPDATE SET n = step_count.n + 1`,
      [event.subject],
    );
  }
}

describe('durable consumer in batch mode (real Postgres and NATS)', () => {
  let db: TestDatabase;
  let ds: DataSource;
  let nats: NatsConnector;
  let naming: EventNaming;
  let consumer: DurableConsumer | undefined;

  beforeAll(async () => {
    db = await createTestDatabase('consumer_batches');
    const options = postgresOptions({
      url: db.url,
      entities: [OutboxEntity, InboxEntity],
      migrations: [MessagingTables1763800000000, InboxPruning1796150000000],
    });
    await runMigrations(options);
    ds = await new DataSource(options).initialize();
    await ds.query(
      `CREATE TABLE step_log (call int NOT NULL, pos int NOT NULL, subject text NOT NULL, n int NOT NULL)`,
    );
    await ds.query(`CREATE TABLE step_count (subject text PRIMARY KEY, n int NOT NULL)`);
    nats = new NatsConnector({ url: NATS_URL, name: 'consumer-batches-spec' });
  });

  // Each test on its own streams, so a new durable sees only that test's events.
  beforeEach(async () => {
    naming = new EventNaming(randomNamespace());
    await ensureStream(await nats.jetstreamManager(), naming.streamFor('sales'), [naming.streamSubjects('sales')]);
  });

  afterEach(async () => {
    await consumer?.stop();
    consumer = undefined;
    await ds.query('DELETE FROM step_log');
    await deleteNamespaceStreams(await nats.jetstreamManager(), naming.namespace);
  });

  afterAll(async () => {
    await nats.close();
    await ds.destroy();
    await db.drop();
  });

  function start(durable: string, handlers: EventHandler[], extra: Partial<DurableConsumerOptions> = {}) {
    consumer = new DurableConsumer({
      consumer: durable,
      stream: 'sales',
      dataSource: ds,
      nats,
      naming,
      handlers: new Map([[TYPE, handlers]]),
      maxDeliver: 2,
      backoffMs: [100],
      batch: { size: 100 },
      ...extra,
    });
    consumer.start();
    return consumer;
  }

  async function publish(events: CloudEvent[]): Promise<void> {
    const js = await nats.jetstream();
    await Promise.all(events.map((e) => js.publish(naming.subjectFor(e.type), JSON.stringify(e), { msgID: e.id })));
  }

  /** `entities` entities, `steps` steps each, interleaved: e0 s0, e1 s0, ..., e0 s1, ... */
  const backlog = (
    prefix: string,
    entities: number,
    steps: number,
    poisoned?: { entity: number; step: number },
    groups = 0,
  ) =>
    Array.from({ length: entities * steps }, (_, i) => {
      const entity = i % entities;
      const n = Math.floor(i / entities);
      const poison = poisoned?.entity === entity && poisoned.step === n;
      const data: Step = poison ? { n, poison } : { n };
      if (groups) data.group = `${prefix}-g${entity % groups}`;
      return buildCloudEvent('sales', { type: TYPE, subject: `${prefix}-${entity}`, version: n + 1, data });
    });
  const byGroup = (e: CloudEvent) => (e.data as Step).group;
  const stepsTo = (count: number) => Array.from({ length: count }, (_, n) => n);

  /** Each entity's steps in the order they were applied. */
  const applied = async (): Promise<Record<string, number[]>> => {
    const rows: { subject: string; n: number }[] = await ds.query(`SELECT subject, n FROM step_log ORDER BY call, pos`);
    const out: Record<string, number[]> = {};
    for (const r of rows) (out[r.subject] ??= []).push(r.n);
    return out;
  };
  const logged = async () => ((await ds.query(`SELECT count(*)::int AS n FROM step_log`)) as { n: number }[])[0].n;

  it('applies a backlog in batches, each entity in its order, and a full redelivery applies nothing twice', async () => {
    const events = backlog('order', 20, 30);
    await publish(events);
    const log = new StepLog();
    start('batches', [log]);
    await waitFor(logged, (n) => n === 600);
    // Several events per transaction: far fewer calls than events.
    expect(log.largest).toBeGreaterThan(1);
    expect(log.calls).toBeLessThan(300);
    const steps = Array.from({ length: 30 }, (_, n) => n);
    expect(await applied()).toEqual(Object.fromEntries(Array.from({ length: 20 }, (_, e) => [`order-${e}`, steps])));
    await consumer!.stop();

    // Forget the consumer's position: the server delivers every event again, in batches.
    const jsm = await nats.jetstreamManager();
    await jsm.consumers.delete(naming.streamFor('sales'), 'batches');
    start('batches', [log]);
    // Until the new consumer exists and has settled every event (info fails while it is being set up).
    await waitFor(
      () =>
        jsm.consumers.info(naming.streamFor('sales'), 'batches').then(
          (i) => i.num_pending + i.num_ack_pending + (i.delivered.stream_seq < 600 ? 1 : 0),
          () => -1,
        ),
      (n) => n === 0,
    );
    expect(await logged()).toBe(600);
    const inbox = await ds.query(`SELECT count(*)::int AS n FROM inbox WHERE consumer = 'batches'`);
    expect(inbox[0].n).toBe(600);
  }, 60_000);

  it('dead-letters the poisoned event of a batch and applies every other one, in order', async () => {
    const events = backlog('poisoned', 5, 10, { entity: 2, step: 4 });
    const poison = events.find((e) => (e.data as Step).poison)!;
    await publish(events);
    start('poisoned', [new StepLog()]);
    const jsm = await nats.jetstreamManager();
    const letters = await waitFor(
      async () =>
        (await readStream(jsm, naming.dlqStream).catch(() => []))
          .map((m) => m.json() as DeadLetter)
          .filter((d) => d.consumer === 'poisoned'),
      (l) => l.length > 0,
    );
    expect(letters.map((d) => (d.event as CloudEvent).id)).toEqual([poison.id]);
    expect(letters[0].error.message).toContain('cannot apply a poisoned step');
    await waitFor(logged, (n) => n === 49);
    const steps = Array.from({ length: 10 }, (_, n) => n);
    expect(await applied()).toEqual({
      'poisoned-0': steps,
      'poisoned-1': steps,
      'poisoned-2': steps.filter((n) => n !== 4),
      'poisoned-3': steps,
      'poisoned-4': steps,
    });
    const inbox = await ds.query(`SELECT count(*)::int AS n FROM inbox WHERE consumer = 'poisoned' AND event_id = $1`, [
      poison.id,
    ]);
    expect(inbox[0].n).toBe(0);
  }, 60_000);

  it('applies a batch one event at a time through handlers that have no batch form', async () => {
    await publish(backlog('single', 4, 25));
    start('single-only', [new CountOnly()]);
    const counts = async () =>
      Object.fromEntries(
        ((await ds.query(`SELECT subject, n FROM step_count`)) as { subject: string; n: number }[]).map((r) => [
          r.subject,
          r.n,
        ]),
      );
    await waitFor(counts, (c) => Object.values(c).reduce((a, b) => a + b, 0) === 100);
    expect(await counts()).toEqual({ 'single-0': 25, 'single-1': 25, 'single-2': 25, 'single-3': 25 });
  }, 60_000);

  it('applies batches on several workers at once, split by a partition key, each entity in its order', async () => {
    // 24 entities in 6 groups (as orders in customers): a group's events all go to one worker.
    await publish(backlog('parallel', 24, 20, undefined, 6));
    const log = new StepLog({ pauseMs: 50 });
    start('parallel', [log], { batch: { size: 40, workers: 3, partitionBy: byGroup } });
    await waitFor(logged, (n) => n === 480);
    expect(log.mostInFlight).toBeGreaterThan(1);
    expect(log.largest).toBeGreaterThan(1);
    expect(await applied()).toEqual(
      Object.fromEntries(Array.from({ length: 24 }, (_, e) => [`parallel-${e}`, stepsTo(20)])),
    );
  }, 60_000);

  it('dead-letters the poisoned event alone when several workers apply batches', async () => {
    const events = backlog('poisoned-parallel', 8, 10, { entity: 3, step: 6 }, 4);
    const poison = events.find((e) => (e.data as Step).poison)!;
    await publish(events);
    start('poisoned-parallel', [new StepLog()], { batch: { size: 25, workers: 2, partitionBy: byGroup } });
    const jsm = await nats.jetstreamManager();
    const letters = await waitFor(
      async () =>
        (await readStream(jsm, naming.dlqStream).catch(() => []))
          .map((m) => m.json() as DeadLetter)
          .filter((d) => d.consumer === 'poisoned-parallel'),
      (l) => l.length > 0,
    );
    expect(letters.map((d) => (d.event as CloudEvent).id)).toEqual([poison.id]);
    await waitFor(logged, (n) => n === 79);
    const all = await applied();
    expect(Object.keys(all)).toHaveLength(8);
    for (let e = 0; e < 8; e++)
      expect(all[`poisoned-parallel-${e}`]).toEqual(e === 3 ? stepsTo(10).filter((n) => n !== 6) : stepsTo(10));
  }, 60_000);

  it('loses nothing and applies nothing twice when the process dies in the middle of a batch', async () => {
    await publish(backlog('crash', 10, 30, undefined, 5));
    // The first consumer's process: its own connections, so it can die with a batch open.
    const doomedDs = await new DataSource(ds.options).initialize();
    const doomedNats = new NatsConnector({ url: NATS_URL, name: 'consumer-batches-spec-doomed' });
    let reachedThird!: () => void;
    const third = new Promise<void>((r) => (reachedThird = r));
    let release!: () => void;
    const hang = new Promise<void>((r) => (release = r));
    const doomedLog = new StepLog({
      onCall: async (call) => {
        if (call < 3) return;
        reachedThird();
        await hang; // the third batch hangs with its transaction open until the process has died
      },
    });
    const doomed = new DurableConsumer({
      consumer: 'crash',
      stream: 'sales',
      dataSource: doomedDs,
      nats: doomedNats,
      naming,
      handlers: new Map([[TYPE, [doomedLog]]]),
      maxDeliver: 5,
      backoffMs: [100],
      ackWaitMs: 2000,
      batch: { size: 40, partitionBy: byGroup },
    });
    doomed.start();
    await third;
    const beforeCrash = await logged();
    expect(beforeCrash).toBeGreaterThan(0);
    expect(beforeCrash).toBeLessThan(300);
    // The process dies: its connections go (Postgres rolls back the open batch), nothing more is acked.
    await (await doomedNats.connection()).close();
    await ds.query(
      `SELECT pg_terminate_backend(pid) FROM pg_stat_activity WHERE datname = current_database() AND pid <> pg_backend_pid()
         AND state = 'idle in transaction'`,
    );
    // A new process takes over the durable consumer: the unacknowledged events come again after the ack wait.
    const log = new StepLog();
    log.calls = 100; // after the first process's calls, so the log reads in the order things were applied
    start('crash', [log], { ackWaitMs: 2000, batch: { size: 40, workers: 2, partitionBy: byGroup } });
    await waitFor(logged, (n) => n >= 300, 30_000);
    await new Promise((r) => setTimeout(r, 500));
    expect(await logged()).toBe(300);
    expect(await applied()).toEqual(
      Object.fromEntries(Array.from({ length: 10 }, (_, e) => [`crash-${e}`, stepsTo(30)])),
    );
    const inbox = await ds.query(`SELECT count(*)::int AS n FROM inbox WHERE consumer = 'crash'`);
    expect(inbox[0].n).toBe(300);
    // The dead process's leftovers (the hung batch, its queue) find every event in the inbox: still nothing twice.
    release();
    await doomed.stop();
    await doomedNats.close();
    await doomedDs.destroy().catch(() => undefined);
    expect(await logged()).toBe(300);
  }, 60_000);
});
