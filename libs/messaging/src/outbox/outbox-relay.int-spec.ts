import { DataSource } from 'typeorm';
import { createTestDatabase, postgresOptions, runMigrations, type TestDatabase } from '@crm/persistence';
import { EventNaming } from '../nats/naming';
import { NatsConnector } from '../nats/nats-connector';
import { deleteNamespaceStreams, randomNamespace, readStream, waitFor } from '../testing/stream-testing';
import { EventPublisher } from './event-publisher';
import { InboxEntity, OutboxEntity } from './outbox.entity';
import { MessagingTables1763800000000 } from './messaging-tables.migration';
import { OutboxRelay } from './outbox-relay';
import { OutboxNotifier } from './outbox-notifier';

const NATS_URL = process.env['NATS_URL'] ?? 'nats://127.0.0.1:4222';

describe('outbox relay (real Postgres and NATS)', () => {
  let db: TestDatabase;
  let ds: DataSource;
  let nats: NatsConnector;
  let naming: EventNaming;
  const relays: OutboxRelay[] = [];

  beforeAll(async () => {
    db = await createTestDatabase('relay');
    const options = postgresOptions({
      url: db.url,
      entities: [OutboxEntity, InboxEntity],
      migrations: [MessagingTables1763800000000],
    });
    await runMigrations(options);
    ds = await new DataSource(options).initialize();
    OutboxNotifier.attach(ds);
    naming = new EventNaming(randomNamespace());
    nats = new NatsConnector({ url: NATS_URL, name: 'relay-spec' });
    await nats.connection();
  });

  afterAll(async () => {
    await Promise.all(relays.map((r) => r.stop()));
    await deleteNamespaceStreams(await nats.jetstreamManager(), naming.namespace);
    await nats.close();
    await ds.destroy();
    await db.drop();
  });

  function relay(): OutboxRelay {
    const r = new OutboxRelay({ service: 'contacts', databaseUrl: db.url, nats, naming, pollMs: 200 });
    relays.push(r);
    r.start();
    return r;
  }

  it('publishes committed events once each, in order, with Nats-Msg-Id equal to the event id', async () => {
    const publisher = new EventPublisher('contacts');
    const ids: string[] = [];
    for (let i = 0; i < 25; i++) {
      await ds.transaction(async (m) => {
        const e = await publisher.publish(m, {
          type: 'crm.contacts.contact.created',
          subject: `c${i}`,
          version: 1,
          data: { n: i },
        });
        ids.push(e.id);
      });
    }
    await ds
      .transaction(async (m) => {
        await publisher.publish(m, {
          type: 'crm.contacts.contact.created',
          subject: 'rolled-back',
          version: 1,
          data: {},
        });
        throw new Error('roll back');
      })
      .catch(() => undefined);

    // Two relays for one service: only the lock holder publishes.
    const [a, b] = [relay(), relay()];
    const jsm = await nats.jetstreamManager();
    const stream = naming.streamFor('contacts');
    await waitFor(
      async () => (await ds.query(`SELECT count(*)::int AS n FROM outbox WHERE published_at IS NULL`))[0].n as number,
      (n) => n === 0,
    );
    const msgs = await readStream(jsm, stream);
    expect(msgs).toHaveLength(25);
    expect(msgs.map((m) => m.header?.get('Nats-Msg-Id'))).toEqual(ids);
    expect(msgs.map((m) => (m.json() as { id: string }).id)).toEqual(ids);
    expect(msgs.some((m) => (m.json() as { subject: string }).subject === 'rolled-back')).toBe(false);
    expect(msgs[0].subject).toBe(naming.subjectFor('crm.contacts.contact.created'));
    expect([a.active, b.active].filter(Boolean)).toHaveLength(1);
  });

  it('refuses to record an event outside a transaction', async () => {
    await expect(
      new EventPublisher('contacts').publish(ds.manager, {
        type: 'crm.contacts.contact.created',
        subject: 'x',
        version: 1,
        data: {},
      }),
    ).rejects.toThrow(/transaction/);
  });

  it('wakes on NOTIFY after commit: an event written while the relay idles is published well before the poll interval', async () => {
    const slow = new OutboxRelay({ service: 'notify', databaseUrl: db.url, nats, naming, pollMs: 60_000 });
    relays.push(slow);
    await ds.query(`DELETE FROM outbox`);
    slow.start();
    await waitFor(
      async () => slow.active,
      (a) => a,
    );
    await new Promise((r) => setTimeout(r, 300));
    const started = Date.now();
    await ds.transaction((m) =>
      new EventPublisher('notify').publish(m, {
        type: 'crm.notify.thing.happened',
        subject: 's',
        version: 1,
        data: {},
      }),
    );
    await waitFor(
      async () => (await ds.query(`SELECT count(*)::int AS n FROM outbox WHERE published_at IS NULL`))[0].n as number,
      (n) => n === 0,
      10_000,
      20,
    );
    expect(Date.now() - started).toBeLessThan(5_000);
  });
});
