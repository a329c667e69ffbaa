import type { DataSource } from 'typeorm';
import { headers as natsHeaders, type ConsumerMessages, type JsMsg } from 'nats';
import { parseCloudEvent, type CloudEvent } from '../events/cloud-event';
import type { NatsConnector } from '../nats/nats-connector';
import type { EventNaming } from '../nats/naming';
import { ensureDurableConsumer, ensureStream, type StreamSettings } from '../nats/streams';
import { contextFromHeaders, inSpan } from '../tracing/trace-headers';
import type { EventHandler } from './on-event.decorator';

export interface DurableConsumerOptions {
  /** The consuming service; also the durable consumer's name. */
  consumer: string;
  /** The producing service whose stream is read. */
  stream: string;
  dataSource: DataSource;
  nats: NatsConnector;
  naming: EventNaming;
  handlers: Map<string, EventHandler[]>;
  /** Deliveries before an event is dead-lettered. */
  maxDeliver?: number;
  /** Delay before each redelivery after a failure, by attempt; the last repeats. */
  backoffMs?: number[];
  ackWaitMs?: number;
  /** Events applied at once, on separate lanes by entity so one entity's events stay in order. */
  lanes?: number;
  /**
   * Batch mode instead of lanes: up to `size` waiting events are applied in
   * one transaction (one inbox statement, each handler's `handleBatch` once
   * per run of events it handles), in stream order. A batch that fails is
   * rolled back and applied in halves, down to single events, so a poisoned
   * event is retried and dead-lettered alone.
   */
  batch?: BatchOptions;
  /** Settings for the consumed stream if this consumer has to create it. */
  streamSettings?: StreamSettings;
  /** Settings for CRM_DLQ (its own max age). */
  dlq?: StreamSettings;
  /** Inbox rows older than this are pruned (INBOX_RETENTION_HOURS); keep it past any redelivery or replay. */
  inboxRetentionHours?: number;
  inboxPruneEveryMs?: number;
  log?: (level: 'info' | 'warn' | 'error', message: string) => void;
  onApplied?: (event: CloudEvent, outcome: 'applied' | 'duplicate' | 'ignored' | 'retried' | 'dead-lettered') => void;
  /** In batch mode: each transaction of a batch that committed (or failed and was split), with its timings. */
  onBatch?: (b: BatchSettled) => void;
}

/** Batch mode (DurableConsumerOptions.batch). */
export interface BatchOptions {
  /** Most events applied in one transaction. */
  size: number;
  /**
   * Batches applied at once (default 1), each worker taking the events of
   * its partitions in stream order: the events of one partition key always
   * go to the same worker, so they stay in order among themselves.
   */
  workers?: number;
  /**
   * The partition key of an event (default its `subject`, the entity id);
   * e.g. the customer an order belongs to, so one customer's events stay in
   * order and two workers never wait for the same customer.
   */
  partitionBy?: (event: CloudEvent) => string | null | undefined;
}

/** One batch transaction, as reported to `onBatch`. */
export interface BatchSettled {
  worker: number;
  /** Events in the transaction. */
  events: number;
  /** Of those, new to the inbox and applied (the others were duplicates). */
  applied: number;
  outcome: 'committed' | 'failed';
  /** Inbox statement, the handlers, the commit, and the acks; all milliseconds. */
  ms: { inbox: number; handlers: number; commit: number; ack: number; total: number };
}

interface Delivery {
  m: JsMsg;
  event: CloudEvent | undefined;
}

type Applicable = Delivery & { event: CloudEvent; handlers: EventHandler[] };

export interface DeadLetter {
  consumer: string;
  stream: string;
  streamSequence: number;
  deliveries: number;
  failedAt: string;
  error: { message: string; name: string };
  event: unknown;
}

/**
 * A durable pull consumer of one service's stream. Each event is applied in
 * a transaction that first records its id in the inbox: a redelivered event
 * finds its id there and changes nothing. A failing event is retried with
 * backoff, then sent to the dead-letter stream and acknowledged, so the
 * consumer goes on with the next events. The server never gives up on a
 * message (unlimited max_deliver): the delivery cap is ours, and an event
 * whose dead-lettering fails stays on the stream and is tried again.
 */
export class DurableConsumer {
  private messages?: ConsumerMessages;
  private running?: Promise<void>;
  private stopped = false;
  private readonly lanes: Promise<void>[];
  /** Batch mode: each worker's drain while it has events. */
  private readonly batchWorkers: (Promise<void> | undefined)[] = [];
  private readonly maxDeliver: number;
  private readonly backoff: number[];
  private pruneTimer?: NodeJS.Timeout;

  constructor(private readonly o: DurableConsumerOptions) {
    this.lanes = Array.from({ length: o.lanes ?? 8 }, () => Promise.resolve());
    this.maxDeliver = o.maxDeliver ?? 5;
    this.backoff = o.backoffMs ?? [1000, 5000, 15000, 30000];
  }

  private get pruneEveryMs(): number {
    return this.o.inboxPruneEveryMs ?? 10 * 60_000;
  }

  get streamName(): string {
    return this.o.naming.streamFor(this.o.stream);
  }

  start(): void {
    if (this.running) return;
    this.running = this.run();
    this.schedulePrune(Math.min(5000, this.pruneEveryMs));
  }

  async stop(): Promise<void> {
    this.stopped = true;
    clearTimeout(this.pruneTimer);
    await this.messages?.close().catch(() => undefined);
    await this.running;
    await Promise.all([...this.lanes, ...this.batchWorkers]);
  }

  private async run(): Promise<void> {
    let backoff = 250;
    while (!this.stopped) {
      try {
        await this.consume();
        backoff = 250;
      } catch (error) {
        if (this.stopped) break;
        this.log('warn', `consumer ${this.o.consumer} of ${this.streamName} paused: ${(error as Error).message}`);
        await new Promise((r) => setTimeout(r, backoff));
        backoff = Math.min(backoff * 2, 5000);
      }
    }
  }

  private async consume(): Promise<void> {
    const jsm = await this.o.nats.jetstreamManager();
    await ensureStream(jsm, this.streamName, [this.o.naming.streamSubjects(this.o.stream)], this.o.streamSettings);
    await ensureStream(jsm, this.o.naming.dlqStream, [this.o.naming.subjectFor('crm.dlq.>')], this.o.dlq);
    await ensureDurableConsumer(jsm, {
      stream: this.streamName,
      durable: this.o.consumer,
      filterSubject: this.o.naming.streamSubjects(this.o.stream),
      // Unlimited on the server: it must never drop an event we have neither applied nor dead-lettered.
      maxDeliver: -1,
      ackWaitMs: this.o.ackWaitMs ?? 30_000,
      maxAckPending: this.maxAckPending,
    });
    const js = await this.o.nats.jetstream();
    const consumer = await js.consumers.get(this.streamName, this.o.consumer);
    const batch = this.o.batch;
    this.messages = await consumer.consume({
      // In batch mode: each worker's batch being applied and its next one arriving (the server holds back the rest).
      max_messages: batch ? Math.max(64, this.maxAckPending) : 256,
    });
    // stop() ran while the stream and consumer were being set up: it found no messages to close,
    // and nothing would end the loop below while no message comes. (close() would wait for an
    // iteration that never starts; stop() ends the pull at once.)
    if (this.stopped) {
      this.messages.stop();
      return;
    }
    this.log('info', `consuming ${this.streamName} as ${this.o.consumer}`);
    if (batch) {
      await this.consumeInBatches(this.messages, batch);
      return;
    }
    for await (const m of this.messages) {
      if (this.stopped) break;
      this.dispatch(m);
    }
  }

  /** Unacknowledged messages the server lets out: in batch mode each worker's batch in flight and the next one. */
  private get maxAckPending(): number {
    const b = this.o.batch;
    return b ? Math.max(1000, 2 * b.size * this.workerCount) : 1000;
  }

  private get workerCount(): number {
    return Math.max(1, Math.floor(this.o.batch?.workers ?? 1));
  }

  private partitionKey(d: Delivery): string {
    if (!d.event) return String(d.m.seq);
    try {
      return this.o.batch?.partitionBy?.(d.event) ?? d.event.subject;
    } catch {
      return d.event.subject;
    }
  }

  /**
   * Messages queue up as they arrive, each on the worker of its partition
   * key; each worker applies what has arrived for it, up to `size` at a
   * time, batch after batch: stream order within a worker, one transaction
   * in flight per worker. A worker starts on the next macrotask, once the
   * burst that woke it is in its queue.
   */
  private async consumeInBatches(messages: ConsumerMessages, batch: BatchOptions): Promise<void> {
    const workers = this.workerCount;
    const size = Math.max(1, Math.floor(batch.size));
    const waiting: Delivery[][] = Array.from({ length: workers }, () => []);
    const drain = async (w: number) => {
      await new Promise((r) => setImmediate(r));
      const queue = waiting[w];
      while (queue.length) {
        const taken = queue.splice(0, size);
        await this.applyBatch(taken, w).catch((error: unknown) => {
          this.log('error', `consumer ${this.o.consumer} failed to settle a batch: ${String(error)}`);
        });
      }
      this.batchWorkers[w] = undefined;
    };
    for await (const m of messages) {
      const d = this.parse(m);
      const w = workers === 1 ? 0 : hashLane(this.partitionKey(d), workers);
      waiting[w].push(d);
      // stop() waits for the workers.
      this.batchWorkers[w] ??= drain(w);
      if (this.stopped) break;
    }
    await Promise.all(this.batchWorkers);
  }

  private parse(m: JsMsg): Delivery {
    try {
      return { m, event: parseCloudEvent(m.json()) };
    } catch {
      return { m, event: undefined };
    }
  }

  private handlersOf(event: CloudEvent): EventHandler[] {
    // Handlers of this type, then those of every type (`@OnEvent('*')`, e.g. the gateway's webhooks).
    return [...(this.o.handlers.get(event.type) ?? []), ...(this.o.handlers.get('*') ?? [])];
  }

  private async applyBatch(deliveries: Delivery[], worker: number): Promise<void> {
    const todo: Applicable[] = [];
    for (const d of deliveries) {
      if (!d.event) await this.deadLetter(d.m, undefined, new Error('message is not a CloudEvent'));
      else {
        const handlers = this.handlersOf(d.event);
        if (handlers.length) todo.push({ ...d, event: d.event, handlers });
        else {
          d.m.ack();
          this.o.onApplied?.(d.event, 'ignored');
        }
      }
    }
    if (todo.length) await this.applyInOneTransaction(todo, worker);
  }

  /**
   * The events in one transaction; if it fails, each half in turn the same
   * way, down to single events, which take the one-by-one path (retries,
   * dead letter). A poisoned event costs about 2 log2(n) transactions and
   * the others still apply in stream order.
   */
  private async applyInOneTransaction(todo: Applicable[], worker: number): Promise<void> {
    if (todo.length === 1) return this.process(todo[0].m, todo[0].event);
    const t0 = performance.now();
    let tInbox = t0;
    let tHandlers = t0;
    let applied: Set<JsMsg>;
    try {
      applied = await inSpan(
        `${this.streamName} process batch`,
        'consumer',
        contextFromHeaders(todo[0].m.headers),
        {
          'messaging.system': 'nats',
          'messaging.batch.message_count': todo.length,
          'messaging.consumer.group.name': this.o.consumer,
        },
        () =>
          this.o.dataSource.transaction(async (manager) => {
            const typeOf = new Map(todo.map((d) => [d.event.id, d.event.type]));
            const ids = [...typeOf.keys()];
            const types = [...typeOf.values()];
            const inserted: { event_id: string }[] = await manager.query(
              `INSERT INTO inbox (consumer, event_id, type)
               SELECT $1, id, type FROM unnest($2::uuid[], $3::text[]) AS t(id, type)
               ON CONFLICT DO NOTHING RETURNING event_id`,
              [this.o.consumer, ids, types],
            );
            tInbox = performance.now();
            // The first delivery of each id new to the inbox, in stream order.
            const fresh = new Set(inserted.map((r) => r.event_id));
            const apply: typeof todo = [];
            for (const d of todo) {
              if (!fresh.has(d.event.id)) continue;
              fresh.delete(d.event.id);
              apply.push(d);
            }
            // Runs of consecutive events with the same handlers, each handler once per run.
            for (let i = 0; i < apply.length; ) {
              let j = i + 1;
              while (j < apply.length && sameHandlers(apply[j].handlers, apply[i].handlers)) j++;
              const run = apply.slice(i, j).map((d) => d.event);
              for (const h of apply[i].handlers) {
                if (h.handleBatch) await h.handleBatch(run, manager);
                else for (const e of run) await h.handle(e, manager);
              }
              i = j;
            }
            tHandlers = performance.now();
            return new Set(apply.map((d) => d.m));
          }),
      );
    } catch (error) {
      const failedAt = performance.now();
      if (tHandlers < tInbox) tHandlers = failedAt;
      this.reportBatch(worker, todo.length, 0, 'failed', t0, tInbox, tHandlers, failedAt, failedAt);
      this.log('warn', `batch of ${todo.length} events failed (${(error as Error).message}); applying it in halves`);
      const half = Math.ceil(todo.length / 2);
      await this.applyInOneTransaction(todo.slice(0, half), worker);
      await this.applyInOneTransaction(todo.slice(half), worker);
      return;
    }
    const committed = performance.now();
    for (const d of todo) {
      d.m.ack();
      this.o.onApplied?.(d.event, applied.has(d.m) ? 'applied' : 'duplicate');
    }
    this.reportBatch(
      worker,
      todo.length,
      applied.size,
      'committed',
      t0,
      tInbox,
      tHandlers,
      committed,
      performance.now(),
    );
  }

  private reportBatch(
    worker: number,
    events: number,
    applied: number,
    outcome: BatchSettled['outcome'],
    ...[t0, inbox, handlers, committed, acked]: number[]
  ): void {
    if (!this.o.onBatch) return;
    const ms = (a: number, b: number) => Math.max(0, b - a);
    try {
      this.o.onBatch({
        worker,
        events,
        applied,
        outcome,
        ms: {
          inbox: ms(t0, Math.max(t0, inbox)),
          handlers: ms(inbox, Math.max(inbox, handlers)),
          commit: ms(handlers, committed),
          ack: ms(committed, acked),
          total: ms(t0, acked),
        },
      });
    } catch {
      // A reporting hook never fails a batch.
    }
  }

  private dispatch(m: JsMsg): void {
    const { event } = this.parse(m);
    const key = event?.subject ?? String(m.seq);
    const lane = hashLane(key, this.lanes.length);
    this.lanes[lane] = this.lanes[lane]
      .then(() => this.process(m, event))
      .catch((error: unknown) => {
        this.log('error', `consumer ${this.o.consumer} failed to settle a message: ${String(error)}`);
      });
  }

  private async process(m: JsMsg, event: CloudEvent | undefined): Promise<void> {
    if (!event) {
      await this.deadLetter(m, undefined, new Error('message is not a CloudEvent'));
      return;
    }
    const handlers = this.handlersOf(event);
    if (handlers.length === 0) {
      m.ack();
      this.o.onApplied?.(event, 'ignored');
      return;
    }
    const parent = contextFromHeaders(m.headers);
    try {
      const applied = await inSpan(
        `${m.subject} process`,
        'consumer',
        parent,
        {
          'messaging.system': 'nats',
          'messaging.message.id': event.id,
          'messaging.consumer.group.name': this.o.consumer,
        },
        () =>
          this.o.dataSource.transaction(async (manager) => {
            const inserted: unknown[] = await manager.query(
              `INSERT INTO inbox (consumer, event_id, type) VALUES ($1, $2, $3)
               ON CONFLICT DO NOTHING RETURNING event_id`,
              [this.o.consumer, event.id, event.type],
            );
            if (inserted.length === 0) return false;
            for (const h of handlers) await h.handle(event, manager);
            return true;
          }),
      );
      m.ack();
      this.o.onApplied?.(event, applied ? 'applied' : 'duplicate');
    } catch (error) {
      const deliveries = m.info.deliveryCount;
      if (deliveries >= this.maxDeliver) {
        await this.deadLetter(m, event, error as Error);
        return;
      }
      const delay = this.backoff[Math.min(deliveries - 1, this.backoff.length - 1)];
      this.log(
        'warn',
        `event ${event.id} (${event.type}) failed on delivery ${deliveries}, retrying in ${delay} ms: ${(error as Error).message}`,
      );
      m.nak(delay);
      this.o.onApplied?.(event, 'retried');
    }
  }

  private async deadLetter(m: JsMsg, event: CloudEvent | undefined, error: Error): Promise<void> {
    const type = event?.type ?? 'unparseable';
    try {
      await publishDeadLetter(this.o, this.streamName, m, event, error);
      m.term();
      this.log(
        'error',
        `event ${event?.id ?? m.seq} (${type}) dead-lettered after ${m.info.deliveryCount} deliveries: ${error.message}`,
      );
      if (event) this.o.onApplied?.(event, 'dead-lettered');
    } catch (publishError) {
      // Keep it on the stream: the server redelivers it and we try again.
      this.log('error', `could not dead-letter event ${event?.id ?? m.seq}: ${String(publishError)}`);
      m.nak(this.backoff[this.backoff.length - 1]);
    }
  }

  /** Deletes inbox rows past retention, in chunks; every replica may run it, the deletes are idempotent. */
  private schedulePrune(delayMs: number): void {
    this.pruneTimer = setTimeout(() => {
      void this.pruneInbox()
        .catch((error: unknown) => this.log('warn', `inbox prune failed: ${String(error)}`))
        .finally(() => {
          if (!this.stopped) this.schedulePrune(this.pruneEveryMs);
        });
    }, delayMs);
    this.pruneTimer.unref();
  }

  private async pruneInbox(): Promise<void> {
    const chunk = 5000;
    for (;;) {
      if (this.stopped || !this.o.dataSource.isInitialized) return;
      const result: [unknown[], number] = await this.o.dataSource.query(
        `DELETE FROM inbox WHERE (consumer, event_id) IN (
           SELECT consumer, event_id FROM inbox
            WHERE consumer = $1 AND received_at < now() - make_interval(hours => $2)
            LIMIT $3)`,
        [this.o.consumer, this.o.inboxRetentionHours ?? 840, chunk],
      );
      if (result[1] < chunk) return;
    }
  }

  private log(level: 'info' | 'warn' | 'error', message: string): void {
    this.o.log?.(level, message);
  }
}

function sameHandlers(a: EventHandler[], b: EventHandler[]): boolean {
  return a.length === b.length && a.every((h, i) => h === b[i]);
}

function hashLane(key: string, lanes: number): number {
  let h = 2166136261;
  for (let i = 0; i < key.length; i++) {
    h ^= key.charCodeAt(i);
    h = Math.imul(h, 16777619);
  }
  return (h >>> 0) % lanes;
}

/**
 * Writes one event to CRM_DLQ as a DeadLetter (deduplicated by consumer and event id); throws when
 * the publish fails, so the caller keeps the message on its stream (nak) rather than losing it.
 */
export async function publishDeadLetter(
  o: { nats: NatsConnector; naming: EventNaming; consumer: string },
  stream: string,
  m: JsMsg,
  event: CloudEvent | undefined,
  error: Error,
): Promise<void> {
  const letter: DeadLetter = {
    consumer: o.consumer,
    stream,
    streamSequence: m.seq,
    deliveries: m.info.deliveryCount,
    failedAt: new Date().toISOString(),
    error: { name: error.name, message: error.message.slice(0, 2000) },
    event: event ?? m.string(),
  };
  const h = natsHeaders();
  h.set('Crm-Dlq-Reason', error.message.slice(0, 200).replace(/[\r\n]/g, ' '));
  const js = await o.nats.jetstream();
  await js.publish(o.naming.dlqSubject(o.consumer, event?.type ?? 'unparseable'), JSON.stringify(letter), {
    msgID: `${o.consumer}:${event?.id ?? `${stream}:${m.seq}`}`,
    headers: h,
    timeout: 5000,
  });
}
