import {
  Inject,
  Injectable,
  Logger,
  type BeforeApplicationShutdown,
  type OnApplicationBootstrap,
} from '@nestjs/common';
import { type ConsumerMessages, type JsMsg } from 'nats';
import type { Counter } from 'prom-client';
import { DataSource, type EntityManager } from 'typeorm';
import {
  consumerSettings,
  ensureDurableConsumer,
  ensureStream,
  EventNaming,
  NatsConnector,
  parseCloudEvent,
  publishDeadLetter,
  type CloudEvent,
  type DurableConsumerOptions,
} from '@crm/messaging';
import { uuidv7 } from '@crm/persistence';
import { metricsRegistry, SERVICE_CONFIG, type ServiceConfig } from '@crm/platform';
import { matchesFilter, matchesPattern, ownerMayRead, type EventFilter } from './webhook-rules';
import type { WebhookSettings } from './webhook-settings';
import { WEBHOOK_SETTINGS } from './webhook-tokens';
import { DELIVERIES_CHANNEL } from './webhooks.service';

/** The durable consumer's name on every stream, and the inbox rows' consumer. */
export const INTAKE_CONSUMER = 'gateway';

/** Events written in one transaction at most (the consumer's max_ack_pending bounds it too). */
const MAX_BATCH = 1000;
/** Delays before a failed event is redelivered, by attempt; the last repeats (as the suite's other consumers). */
const RETRY_BACKOFF_MS = [1000, 5000, 15000, 30000];

export interface Candidate {
  id: string;
  patterns: string[];
  filter: EventFilter;
  owner_permissions: string[];
}

/** The subscriptions that want this event: a pattern matches, the owner may read it, the filter holds. */
export function wanting(subscriptions: readonly Candidate[], event: CloudEvent): Candidate[] {
  return subscriptions.filter(
    (s) =>
      s.patterns.some((p) => matchesPattern(event.type, p)) &&
      ownerMayRead(s.owner_permissions, event.type) &&
      matchesFilter(event, s.filter),
  );
}

/**
 * The subscriptions that take deliveries (all but disabled ones), read again only when
 * `webhook_subscription_changes.version` moved: a trigger bumps it in the same transaction as any
 * insert, delete or change of patterns, filter, status or owner permissions, whichever replica makes
 * it, so a batch never matches against a list older than the last committed change it can see.
 */
export class SubscriptionCache {
  private version?: string;
  private subscriptions: Candidate[] = [];

  async current(m: EntityManager): Promise<Candidate[]> {
    const [{ version }]: { version: string }[] = await m.query(
      `SELECT version::text AS version FROM webhook_subscription_changes`,
    );
    if (version !== this.version) {
      this.subscriptions = await m.query(
        `SELECT id, patterns, filter, owner_permissions FROM webhook_subscriptions WHERE status <> 'disabled'`,
      );
      this.version = version;
    }
    return this.subscriptions;
  }
}

interface Item {
  m: JsMsg;
  event: CloudEvent;
  /** The message as received (valid JSON): the delivery rows' event, without serialising it again. */
  raw: string;
}

type Outcome = 'applied' | 'duplicate' | 'ignored' | 'retried' | 'dead-lettered';

/**
 * The intake of one stream: a durable pull consumer (`gateway`) whose messages are written in
 * batches, one transaction for all the events that arrived while the previous batch was written:
 * their inbox rows (a redelivered event finds its id there and queues nothing), then one delivery
 * row per subscription that wants it, in stream order, then one NOTIFY. Messages are acked after
 * the commit. A batch that fails is applied again event by event, so one bad event is retried with
 * backoff and at last dead-lettered (CRM_DLQ) without holding back the others.
 */
class StreamIntake {
  private messages?: ConsumerMessages;
  private running?: Promise<void>;
  private stopped = false;
  private readonly buffer: JsMsg[] = [];
  private draining?: Promise<void>;

  constructor(
    private readonly stream: string,
    private readonly o: {
      dataSource: DataSource;
      nats: NatsConnector;
      naming: EventNaming;
      cache: SubscriptionCache;
      settings: Pick<DurableConsumerOptions, 'maxDeliver' | 'streamSettings' | 'dlq'>;
      logger: Logger;
      count: (event: CloudEvent, outcome: Outcome) => void;
    },
  ) {}

  private get streamName(): string {
    return this.o.naming.streamFor(this.stream);
  }

  start(): void {
    this.running ??= this.run();
  }

  async stop(): Promise<void> {
    this.stopped = true;
    await this.messages?.close().catch(() => undefined);
    await this.running;
    await this.draining;
  }

  private async run(): Promise<void> {
    let backoff = 250;
    while (!this.stopped) {
      try {
        await this.consume();
        backoff = 250;
      } catch (error) {
        if (this.stopped) break;
        this.o.logger.warn(`intake of ${this.streamName} paused: ${(error as Error).message}`);
        await new Promise((r) => setTimeout(r, backoff));
        backoff = Math.min(backoff * 2, 5000);
      }
    }
  }

  private async consume(): Promise<void> {
    const { naming, nats, settings } = this.o;
    const jsm = await nats.jetstreamManager();
    await ensureStream(jsm, this.streamName, [naming.streamSubjects(this.stream)], settings.streamSettings);
    await ensureStream(jsm, naming.dlqStream, [naming.subjectFor('crm.dlq.>')], settings.dlq);
    await ensureDurableConsumer(jsm, {
      stream: this.streamName,
      durable: INTAKE_CONSUMER,
      filterSubject: naming.streamSubjects(this.stream),
      maxDeliver: -1, // the cap is ours: the server must never drop an event neither applied nor dead-lettered
      ackWaitMs: 30_000,
      maxAckPending: MAX_BATCH,
    });
    const js = await nats.jetstream();
    const consumer = await js.consumers.get(this.streamName, INTAKE_CONSUMER);
    this.messages = await consumer.consume({ max_messages: 256 });
    if (this.stopped) {
      this.messages.stop();
      return;
    }
    this.o.logger.log(`consuming ${this.streamName} as ${INTAKE_CONSUMER} (webhooks)`);
    // After stop() the pull ends; what it had already fetched is still applied and acked here
    // (the database and NATS close after this), not left to come back after the ack wait.
    for await (const m of this.messages) {
      this.buffer.push(m);
      this.draining ??= this.drain();
    }
  }

  /** Writes what is buffered, batch after batch, until nothing is left. */
  private async drain(): Promise<void> {
    try {
      while (this.buffer.length) await this.apply(this.buffer.splice(0, MAX_BATCH));
    } catch (error) {
      this.o.logger.error(`intake of ${this.streamName} failed to settle a batch: ${String(error)}`);
    } finally {
      this.draining = undefined;
    }
    if (this.buffer.length) this.draining ??= this.drain();
  }

  private async apply(batch: JsMsg[]): Promise<void> {
    const items: Item[] = [];
    for (const m of batch) {
      let event: CloudEvent | undefined;
      const raw = m.string();
      try {
        event = parseCloudEvent(JSON.parse(raw));
      } catch {
        event = undefined;
      }
      if (event) items.push({ m, event, raw });
      else await this.deadLetter(m, undefined, new Error('message is not a CloudEvent'));
    }
    if (items.length === 0) return;
    try {
      await this.write(items);
      return;
    } catch (error) {
      if (items.length === 1) return this.failed(items[0], error as Error);
      this.o.logger.warn(
        `a batch of ${items.length} events from ${this.streamName} failed (${(error as Error).message}); applying them one by one`,
      );
    }
    for (const item of items) {
      try {
        await this.write([item]);
      } catch (error) {
        await this.failed(item, error as Error);
      }
    }
  }

  /** One transaction for the items: inbox rows, delivery rows, NOTIFY; then the acks. */
  private async write(items: Item[]): Promise<void> {
    const outcomes = await this.o.dataSource.transaction(async (manager) => {
      // The batch's positions (1-based) whose event is new to the inbox: the first of each id.
      const fresh: { n: number }[] = await manager.query(
        `WITH u AS (SELECT id, type, n FROM unnest($2::uuid[], $3::text[]) WITH ORDINALITY AS u(id, type, n)),
         ins AS (
           INSERT INTO inbox (consumer, event_id, type) SELECT $1, id, type FROM u ORDER BY n
           ON CONFLICT DO NOTHING RETURNING event_id)
         SELECT min(u.n)::int AS n FROM ins JOIN u ON u.id = ins.event_id GROUP BY ins.event_id`,
        [INTAKE_CONSUMER, items.map((i) => i.event.id), items.map((i) => i.event.type)],
      );
      const unseen = new Set(fresh.map((r) => r.n));
      const subscriptions = await this.o.cache.current(manager);
      const rows = { id: [] as string[], sub: [] as string[], event: [] as number[] };
      const events: string[] = [];
      const outcome: Outcome[] = [];
      items.forEach(({ event, raw }, i) => {
        if (!unseen.has(i + 1)) {
          outcome.push('duplicate'); // seen before, or earlier in this batch
          return;
        }
        outcome.push('applied');
        const wanted = wanting(subscriptions, event);
        if (wanted.length === 0) return;
        events.push(raw);
        for (const s of wanted) {
          rows.id.push(uuidv7());
          rows.sub.push(s.id);
          rows.event.push(events.length);
        }
      });
      if (rows.id.length)
        // In input order, so each subscription's rows keep the stream's order in `seq`; a subscription
        // deleted or disabled since the list was read takes none.
        await manager.query(
          `WITH events AS (SELECT e, n FROM jsonb_array_elements($4::jsonb) WITH ORDINALITY AS x(e, n)),
           queued AS (
             INSERT INTO webhook_deliveries (id, subscription_id, event_id, event_type, event_subject, event, status,
               next_attempt_at, retry_since, created_at)
             SELECT u.id, u.sub, ev.e->>'id', ev.e->>'type', coalesce(ev.e->>'subject', ''), ev.e, 'pending',
                    now(), now(), now()
               FROM unnest($1::uuid[], $2::uuid[], $3::int[]) WITH ORDINALITY AS u(id, sub, event, n)
               JOIN events ev ON ev.n = u.event
               JOIN webhook_subscriptions s ON s.id = u.sub AND s.status <> 'disabled'
              ORDER BY u.n
             ON CONFLICT (subscription_id, event_id) DO NOTHING
             RETURNING 1)
           SELECT pg_notify($5, '') FROM (SELECT 1 FROM queued LIMIT 1) q`,
          // The events as one JSON array of the messages' own text: nothing escaped or serialised again.
          [rows.id, rows.sub, rows.event, `[${events.join(',')}]`, DELIVERIES_CHANNEL],
        );
      return outcome;
    });
    items.forEach(({ m, event }, i) => {
      m.ack();
      this.o.count(event, outcomes[i]);
    });
  }

  private async failed({ m, event }: Item, error: Error): Promise<void> {
    const deliveries = m.info.deliveryCount;
    if (deliveries >= (this.o.settings.maxDeliver ?? 5)) return this.deadLetter(m, event, error);
    const delay = RETRY_BACKOFF_MS[Math.min(deliveries - 1, RETRY_BACKOFF_MS.length - 1)];
    this.o.logger.warn(
      `event ${event.id} (${event.type}) failed on delivery ${deliveries}, retrying in ${delay} ms: ${error.message}`,
    );
    m.nak(delay);
    this.o.count(event, 'retried');
  }

  private async deadLetter(m: JsMsg, event: CloudEvent | undefined, error: Error): Promise<void> {
    const type = event?.type ?? 'unparseable';
    try {
      await publishDeadLetter({ ...this.o, consumer: INTAKE_CONSUMER }, this.streamName, m, event, error);
      m.term();
      this.o.logger.error(
        `event ${event?.id ?? m.seq} (${type}) dead-lettered after ${m.info.deliveryCount} deliveries: ${error.message}`,
      );
      if (event) this.o.count(event, 'dead-lettered');
    } catch (publishError) {
      // Keep it on the stream: the server redelivers it and we try again.
      this.o.logger.error(`could not dead-letter event ${event?.id ?? m.seq}: ${String(publishError)}`);
      m.nak(RETRY_BACKOFF_MS[RETRY_BACKOFF_MS.length - 1]);
    }
  }
}

/**
 * Every event of the configured streams (WEBHOOK_STREAMS) becomes one delivery row per
 * subscription that wants it (pattern, filter) and whose owner may read it. Paused and disabled
 * subscriptions' rows: paused ones still collect theirs (sent on resume), disabled and deleted ones
 * take none. The dispatcher (WebhookDispatcher) sends them.
 */
@Injectable()
export class WebhookIntake implements OnApplicationBootstrap, BeforeApplicationShutdown {
  private readonly logger = new Logger('Webhooks');
  private readonly intakes: StreamIntake[] = [];
  private readonly cache = new SubscriptionCache();
  private pruneTimer?: NodeJS.Timeout;
  private stopped = false;

  constructor(
    private readonly dataSource: DataSource,
    private readonly nats: NatsConnector,
    private readonly naming: EventNaming,
    @Inject(SERVICE_CONFIG) private readonly config: ServiceConfig,
    @Inject(WEBHOOK_SETTINGS) private readonly settings: WebhookSettings,
  ) {}

  onApplicationBootstrap(): void {
    const consumed = metricsRegistry.getSingleMetric('crm_events_consumed_total') as Counter | undefined;
    const settings = consumerSettings(this.config);
    this.nats.start();
    for (const stream of this.settings.streams) {
      const intake = new StreamIntake(stream, {
        dataSource: this.dataSource,
        nats: this.nats,
        naming: this.naming,
        cache: this.cache,
        settings,
        logger: this.logger,
        count: (event, outcome) => consumed?.inc({ consumer: INTAKE_CONSUMER, type: event.type, outcome }),
      });
      intake.start();
      this.intakes.push(intake);
    }
    this.schedulePrune(5000, settings.inboxRetentionHours ?? 840);
  }

  async beforeApplicationShutdown(): Promise<void> {
    this.stopped = true;
    clearTimeout(this.pruneTimer);
    await Promise.all(this.intakes.map((i) => i.stop()));
  }

  /** Deletes the intake's inbox rows past retention, in chunks; every replica may run it (idempotent). */
  private schedulePrune(delayMs: number, retentionHours: number): void {
    this.pruneTimer = setTimeout(() => {
      void this.prune(retentionHours)
        .catch((error: unknown) => this.logger.warn(`inbox prune failed: ${String(error)}`))
        .finally(() => {
          if (!this.stopped) this.schedulePrune(10 * 60_000, retentionHours);
        });
    }, delayMs);
    this.pruneTimer.unref();
  }

  private async prune(retentionHours: number): Promise<void> {
    const chunk = 5000;
    for (;;) {
      if (this.stopped || !this.dataSource.isInitialized) return;
      const result: [unknown[], number] = await this.dataSource.query(
        `DELETE FROM inbox WHERE (consumer, event_id) IN (
           SELECT consumer, event_id FROM inbox
            WHERE consumer = $1 AND received_at < now() - make_interval(hours => $2)
            LIMIT $3)`,
        [INTAKE_CONSUMER, retentionHours, chunk],
      );
      if (result[1] < chunk) return;
    }
  }
}
