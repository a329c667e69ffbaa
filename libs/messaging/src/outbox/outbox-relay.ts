import { createHash } from 'node:crypto';
import { Client } from 'pg';
import { headers as natsHeaders } from 'nats';
import type { NatsConnector } from '../nats/nats-connector';
import type { EventNaming } from '../nats/naming';
import { ensureStream } from '../nats/streams';
import { contextFromHeaders, inSpan } from '../tracing/trace-headers';
import { OUTBOX_CHANNEL } from './messaging-tables.migration';

export interface OutboxRelayOptions {
  service: string;
  databaseUrl: string;
  nats: NatsConnector;
  naming: EventNaming;
  batchSize?: number;
  pollMs?: number;
  retentionHours?: number;
  publishTimeoutMs?: number;
  log?: (level: 'info' | 'warn' | 'error', message: string) => void;
  onPublished?: (count: number, oldestCreatedAt: Date | null) => void;
}

interface OutboxRow {
  seq: string;
  id: string;
  type: string;
  payload: unknown;
  headers: Record<string, string>;
  created_at: Date;
}

/** A stable 63-bit advisory lock key per service. */
export function relayLockKey(service: string): string {
  return createHash('sha256').update(`crm-outbox-relay:${service}`).digest().readBigInt64BE(0).toString();
}

/**
 * Publishes outbox rows to JetStream in commit order. Only the holder of the
 * service's advisory lock relays, so replicas never reorder each other's
 * events; the others stand by. Woken in process or by NOTIFY after a commit,
 * and polls as a fallback.
 */
export class OutboxRelay {
  private stopped = false;
  private running?: Promise<void>;
  private wake?: () => void;
  private client?: Client;
  private lastPrune = 0;
  private notified = false;
  active = false;

  constructor(private readonly o: OutboxRelayOptions) {}

  start(): void {
    if (!this.running) this.running = this.run();
  }

  /** Events were committed: relay now rather than at the next poll. */
  wakeUp(): void {
    this.notified = true;
    this.wake?.();
  }

  async stop(): Promise<void> {
    this.stopped = true;
    this.wake?.();
    await this.running;
    this.running = undefined;
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
        await this.sleepOrWake(backoff);
        backoff = Math.min(backoff * 2, 5000);
      } finally {
        this.active = false;
        const c = this.client;
        this.client = undefined;
        await c?.end().catch(() => undefined);
      }
    }
  }

  /** One database session: take the lock, then relay until stopped or broken. */
  private async session(): Promise<void> {
    const client = new Client({ connectionString: this.o.databaseUrl, application_name: `${this.o.service}-outbox-relay` });
    this.client = client;
    client.on('error', () => undefined);
    await client.connect();
    const key = relayLockKey(this.o.service);
    while (!this.stopped) {
      const { rows } = await client.query<{ locked: boolean }>('SELECT pg_try_advisory_lock($1::bigint) AS locked', [key]);
      if (rows[0].locked) break;
      await this.sleepOrWake(2000);
    }
    if (this.stopped) return;
    this.active = true;
    client.on('notification', () => this.wakeUp());
    await client.query(`LISTEN ${OUTBOX_CHANNEL}`);
    await ensureStream(await this.o.nats.jetstreamManager(), this.o.naming.streamFor(this.o.service), [
      this.o.naming.streamSubjects(this.o.service),
    ]);
    this.log('info', 'outbox relay active');
    while (!this.stopped) {
      this.notified = false;
      const published = await this.relayBatch(client);
      await this.pruneIfDue(client);
      if (published === 0) await this.sleepOrWake(this.o.pollMs ?? 1000);
    }
  }

  private async relayBatch(client: Client): Promise<number> {
    const { rows } = await client.query<OutboxRow>(
      `SELECT seq, id, type, payload, headers, created_at FROM outbox
        WHERE published_at IS NULL ORDER BY seq LIMIT $1`,
      [this.o.batchSize ?? 200],
    );
    if (rows.length === 0) return 0;
    const js = await this.o.nats.jetstream();
    const timeout = this.o.publishTimeoutMs ?? 5000;
    // Sent in seq order on one connection, so the stream keeps that order.
    const results = await Promise.allSettled(
      rows.map((row) => {
        const h = natsHeaders();
        for (const [k, v] of Object.entries(row.headers ?? {})) h.set(k, v);
        h.set('Content-Type', 'application/cloudevents+json');
        const subject = this.o.naming.subjectFor(row.type);
        return inSpan(`${subject} publish`, 'producer', contextFromHeaders(row.headers), { 'messaging.system': 'nats', 'messaging.destination.name': subject, 'messaging.message.id': row.id }, () =>
          js.publish(subject, JSON.stringify(row.payload), { msgID: row.id, headers: h, timeout }),
        );
      }),
    );
    const done: string[] = [];
    let firstError: unknown;
    results.forEach((r, i) => {
      if (r.status === 'fulfilled') done.push(rows[i].id);
      else firstError ??= r.reason;
    });
    if (done.length > 0) {
      await client.query('UPDATE outbox SET published_at = now() WHERE id = ANY($1::uuid[])', [done]);
      this.o.onPublished?.(done.length, rows[0].created_at);
    }
    if (firstError !== undefined) {
      const failed = rows.filter((r) => !done.includes(r.id)).map((r) => r.id);
      await client.query('UPDATE outbox SET attempts = attempts + 1, last_error = $2 WHERE id = ANY($1::uuid[])', [
        failed,
        String(firstError).slice(0, 500),
      ]);
      throw firstError instanceof Error ? firstError : new Error(String(firstError));
    }
    return done.length;
  }

  private async pruneIfDue(client: Client): Promise<void> {
    if (Date.now() - this.lastPrune < 60_000) return;
    this.lastPrune = Date.now();
    await client.query(
      `DELETE FROM outbox WHERE published_at IS NOT NULL AND published_at < now() - make_interval(hours => $1)`,
      [this.o.retentionHours ?? 168],
    );
  }

  private sleepOrWake(ms: number): Promise<void> {
    if (this.notified || this.stopped) return Promise.resolve();
    return new Promise<void>((resolve) => {
      const t = setTimeout(done, ms);
      function done() {
        clearTimeout(t);
        resolve();
      }
      this.wake = done;
    }).finally(() => {
      this.wake = undefined;
    });
  }

  private log(level: 'info' | 'warn' | 'error', message: string): void {
    this.o.log?.(level, message);
  }
}
