import { createHash } from 'node:crypto';
import { Client } from 'pg';
import { headers as natsHeaders, type JetStreamClient } from 'nats';
import type { NatsConnector } from '../nats/nats-connector';
import type { EventNaming } from '../nats/naming';
import { ensureStream, type StreamSettings } from '../nats/streams';
import { contextFromHeaders, inSpan } from '../tracing/trace-headers';
import { OUTBOX_CHANNEL } from './messaging-tables.migration';

export interface OutboxRelayOptions {
  service: string;
  databaseUrl: string;
  nats: NatsConnector;
  naming: EventNaming;
  batchSize?: number;
  /** Fallback poll while idle; NOTIFY and local commits wake the relay sooner. */
  pollMs?: number;
  /** How long published rows stay before they are pruned (OUTBOX_RETENTION_HOURS). */
  retentionHours?: number;
  publishTimeoutMs?: number;
  /** The service's stream settings (age, replicas), applied when creating or widening it. */
  stream?: StreamSettings;
  /** How often a standby tries to take the lock. */
  lockRetryMs?: number;
  /**
   * Postgres ends a session silent for this long (idle_session_timeout, TCP
   * keepalives and user timeout), so a hung or unreachable holder frees the
   * lock within seconds; the holder sends a heartbeat well inside it.
   */
  sessionTimeoutMs?: number;
  log?: (level: 'info' | 'warn' | 'error', message: string) => void;
  onPublished?: (count: number) => void;
}

interface OutboxRow {
  seq: string;
  id: string;
  type: string;
  subject: string;
  /** The CloudEvent as JSON text, sent as it is stored (never parsed and serialised again). */
  payload: string;
  headers: Record<string, string>;
}

type Outcome =
  | { row: OutboxRow; status: 'published' }
  | { row: OutboxRow; status: 'failed'; error: unknown }
  | { row: OutboxRow; status: 'held' };

/** A publish to JetStream failed; the relay keeps its lock and retries after a pause. */
class PublishFailed extends Error {}

const PRUNE_EVERY_MS = 60_000;
const PRUNE_CHUNK = 5000;

/** Closes the session; a peer that no longer answers does not hold us up. */
async function endWithin(client: Client, ms: number): Promise<void> {
  let timer: NodeJS.Timeout | undefined;
  await Promise.race([
    client.end().catch(() => undefined),
    new Promise<void>((resolve) => {
      timer = setTimeout(resolve, ms);
    }),
  ]);
  clearTimeout(timer);
}

/** A stable 63-bit advisory lock key per service. */
export function relayLockKey(service: string): string {
  return createHash('sha256').update(`crm-outbox-relay:${service}`).digest().readBigInt64BE(0).toString();
}

/**
 * Publishes outbox rows to JetStream. Only the holder of the service's
 * advisory lock relays, so replicas never reorder each other's events; the
 * others stand by. Rows go out in seq order, pipelined; a row waits for the
 * ack of the previous row of the same entity, and after a failure the later
 * rows of that entity are held back, so one entity's events never overtake
 * each other. Woken in process or by NOTIFY after a commit; polls as a fallback.
 */
export class OutboxRelay {
  private stopped = false;
  private running?: Promise<void>;
  /** Resolves the idle sleep of the active relay (commits wake it). */
  private wake?: () => void;
  /** Resolves any sleep (stop ends them all). */
  private readonly sleepers = new Set<() => void>();
  private client?: Client;
  private lastPrune = 0;
  private notified = false;
  active = false;
  /** pg_try_advisory_lock calls made, for the standby's cost. */
  lockAttempts = 0;
  private queriesInFlight = 0;

  constructor(private readonly o: OutboxRelayOptions) {}

  start(): void {
    if (!this.running) this.running = this.run();
  }

  /** Events were committed: relay now rather than at the next poll. Ignored while standing by. */
  wakeUp(): void {
    if (!this.active) return;
    this.notified = true;
    this.wake?.();
  }

  async stop(): Promise<void> {
    this.stopped = true;
    for (const s of [...this.sleepers]) s();
    await this.running;
    this.running = undefined;
  }

  private get sessionTimeoutMs(): number {
    return this.o.sessionTimeoutMs ?? 5000;
  }

  private async run(): Promise<void> {
    let backoff = 250;
    while (!this.stopped) {
      try {
        await this.session();
        backoff = 250;
      } catch (error) {
        if (this.stopped) break;
        this.log('warn', `outbox relay paused: ${(error as Error).message}`);
        await this.sleep(backoff);
        backoff = Math.min(backoff * 2, 5000);
      } finally {
        this.active = false;
        const c = this.client;
        this.client = undefined;
        if (c) await endWithin(c, 2000);
      }
    }
  }

  /** One database session: take the lock, then relay until stopped or broken. */
  private async session(): Promise<void> {
    const timeout = this.sessionTimeoutMs;
    const client = new Client({
      connectionString: this.o.databaseUrl,
      application_name: `${this.o.service}-outbox-relay`,
      keepAlive: true,
      keepAliveInitialDelayMillis: 1000,
      connectionTimeoutMillis: timeout,
      // Client side: a query with no answer (holder cut off from Postgres) ends the session.
      query_timeout: timeout + 4000,
      statement_timeout: timeout + 2000,
      // Server side: a holder that went silent, or whose peer vanished, loses its session and so the lock.
      options: [
        `-c idle_session_timeout=${timeout}`,
        `-c tcp_user_timeout=${timeout}`,
        `-c tcp_keepalives_idle=${Math.max(1, Math.floor(timeout / 3000))}`,
        '-c tcp_keepalives_interval=1',
        '-c tcp_keepalives_count=3',
      ].join(' '),
    });
    this.client = client;
    client.on('error', () => undefined);
    await client.connect();
    const key = relayLockKey(this.o.service);
    for (;;) {
      if (this.stopped) return;
      this.lockAttempts++;
      const { rows } = await this.query<{ locked: boolean }>(
        client,
        'SELECT pg_try_advisory_lock($1::bigint) AS locked',
        [key],
      );
      if (rows[0].locked) break;
      await this.sleep(this.o.lockRetryMs ?? 1000);
    }
    let broken: Error | undefined;
    const heartbeat = setInterval(
      () => {
        // Any query is activity; only a session with none in flight needs the beat.
        if (this.queriesInFlight === 0) void this.query(client, 'SELECT 1').catch((e: Error) => (broken ??= e));
      },
      Math.max(250, Math.floor(timeout / 4)),
    );
    try {
      this.active = true;
      client.on('notification', () => this.wakeUp());
      await this.query(client, `LISTEN ${OUTBOX_CHANNEL}`);
      await ensureStream(
        await this.o.nats.jetstreamManager(),
        this.o.naming.streamFor(this.o.service),
        [this.o.naming.streamSubjects(this.o.service)],
        this.o.stream,
      );
      this.log('info', 'outbox relay active');
      let backoff = 250;
      while (!this.stopped) {
        if (broken) throw broken;
        this.notified = false;
        let published: number;
        try {
          published = await this.relayBatch(client);
          backoff = 250;
        } catch (error) {
          if (!(error instanceof PublishFailed)) throw error;
          // Keep the lock: another replica could do no better, and order is kept by holding on.
          this.log('warn', `outbox relay could not publish, retrying in ${backoff} ms: ${error.message}`);
          await this.sleep(backoff);
          backoff = Math.min(backoff * 2, 5000);
          continue;
        }
        await this.pruneIfDue(client);
        if (published === 0) await this.idle(this.o.pollMs ?? 1000);
      }
    } finally {
      clearInterval(heartbeat);
    }
  }

  private async relayBatch(client: Client): Promise<number> {
    const { rows } = await this.query<OutboxRow>(
      client,
      `SELECT seq, id, type, subject, payload::text AS payload, headers FROM outbox
        WHERE published_at IS NULL ORDER BY seq LIMIT $1`,
      [this.o.batchSize ?? 200],
    );
    if (rows.length === 0) return 0;
    const js = await this.o.nats.jetstream();
    // Rows of different entities are pipelined in seq order; each row waits for the previous row of its entity.
    const lastOfEntity = new Map<string, Promise<Outcome>>();
    const outcomes = rows.map((row) => {
      const previous = lastOfEntity.get(row.subject);
      const outcome = previous
        ? previous.then((p): Promise<Outcome> | Outcome =>
            p.status === 'published' ? this.publishRow(js, row) : { row, status: 'held' },
          )
        : this.publishRow(js, row);
      lastOfEntity.set(row.subject, outcome);
      return outcome;
    });
    const settled = await Promise.all(outcomes);
    const done = settled.filter((o) => o.status === 'published').map((o) => o.row.id);
    if (done.length > 0) {
      await this.query(client, 'UPDATE outbox SET published_at = now() WHERE id = ANY($1::uuid[])', [done]);
      this.o.onPublished?.(done.length);
    }
    const failed = settled.filter((o): o is Extract<Outcome, { status: 'failed' }> => o.status === 'failed');
    if (failed.length > 0) {
      const error = failed[0].error;
      await this.query(
        client,
        'UPDATE outbox SET attempts = attempts + 1, last_error = $2 WHERE id = ANY($1::uuid[])',
        [failed.map((o) => o.row.id), String(error).slice(0, 500)],
      );
      throw new PublishFailed(error instanceof Error ? error.message : String(error));
    }
    return done.length;
  }

  private publishRow(js: JetStreamClient, row: OutboxRow): Promise<Outcome> {
    const h = natsHeaders();
    for (const [k, v] of Object.entries(row.headers ?? {})) h.set(k, v);
    h.set('Content-Type', 'application/cloudevents+json');
    const subject = this.o.naming.subjectFor(row.type);
    const attributes = {
      'messaging.system': 'nats',
      'messaging.destination.name': subject,
      'messaging.message.id': row.id,
    };
    return inSpan(`${subject} publish`, 'producer', contextFromHeaders(row.headers), attributes, () =>
      js.publish(subject, row.payload, {
        msgID: row.id,
        headers: h,
        timeout: this.o.publishTimeoutMs ?? 5000,
      }),
    ).then(
      (): Outcome => ({ row, status: 'published' }),
      (error: unknown): Outcome => ({ row, status: 'failed', error }),
    );
  }

  /** Deletes published rows past retention, in chunks so no statement runs long. */
  private async pruneIfDue(client: Client): Promise<void> {
    if (Date.now() - this.lastPrune < PRUNE_EVERY_MS) return;
    this.lastPrune = Date.now();
    for (;;) {
      const { rowCount } = await this.query(
        client,
        `DELETE FROM outbox WHERE seq IN (
           SELECT seq FROM outbox
            WHERE published_at IS NOT NULL AND published_at < now() - make_interval(hours => $1)
            LIMIT $2)`,
        [this.o.retentionHours ?? 168, PRUNE_CHUNK],
      );
      if ((rowCount ?? 0) < PRUNE_CHUNK || this.stopped) return;
    }
  }

  private async query<R extends object = Record<string, unknown>>(client: Client, sql: string, params: unknown[] = []) {
    this.queriesInFlight++;
    try {
      return await client.query<R>(sql, params);
    } finally {
      this.queriesInFlight--;
    }
  }

  /** The active relay's idle wait: a commit, a NOTIFY or stop ends it early. */
  private idle(ms: number): Promise<void> {
    if (this.notified) return Promise.resolve();
    return this.sleep(ms, true);
  }

  /** Waits; only stop ends it early, unless `wakeable` (then commits do too). */
  private sleep(ms: number, wakeable = false): Promise<void> {
    if (this.stopped) return Promise.resolve();
    return new Promise<void>((resolve) => {
      const done = () => {
        clearTimeout(t);
        this.sleepers.delete(done);
        if (this.wake === done) this.wake = undefined;
        resolve();
      };
      const t = setTimeout(done, ms);
      this.sleepers.add(done);
      if (wakeable) this.wake = done;
    });
  }

  private log(level: 'info' | 'warn' | 'error', message: string): void {
    this.o.log?.(level, message);
  }
}
