import { createHash } from 'node:crypto';
import {
  Inject,
  Injectable,
  Logger,
  type BeforeApplicationShutdown,
  type OnApplicationBootstrap,
} from '@nestjs/common';
import { Client, Pool, type PoolClient } from 'pg';
import { Counter, Gauge, Histogram } from 'prom-client';
import type { Readable } from 'node:stream';
import { Agent, request } from 'undici';
import { metricsRegistry, SERVICE_CONFIG, type ServiceConfig } from '@crm/platform';
import { guardedLookup } from './target-guard';
import { backoffMs, signatureHeader } from './webhook-rules';
import type { WebhookSettings } from './webhook-settings';
import { WEBHOOK_SETTINGS } from './webhook-tokens';
import { DELIVERIES_CHANNEL } from './webhooks.service';

/** The pool of the running dispatcher, for the pending-deliveries gauge read at each scrape. */
let pendingProbe: Pool | undefined;

const metrics = {
  pending: new Gauge({
    name: 'crm_webhook_pending_deliveries',
    help: 'Deliveries waiting to be sent or retried (read from the database at each scrape)',
    registers: [metricsRegistry],
    async collect() {
      if (!pendingProbe) return;
      try {
        const { rows } = await pendingProbe.query<{ n: number }>(
          `SELECT count(*)::int AS n FROM webhook_deliveries WHERE status = 'pending'`,
        );
        this.set(rows[0].n);
      } catch {
        // database away: readiness says so; keep the last value
      }
    },
  }),
  attempts: new Counter({
    name: 'crm_webhook_attempts_total',
    help: 'Webhook delivery attempts by outcome (delivered, failed: will retry, dead: retry period over)',
    labelNames: ['outcome'],
    registers: [metricsRegistry],
  }),
  lag: new Histogram({
    name: 'crm_webhook_delivery_lag_seconds',
    help: 'From the event time to its successful delivery',
    buckets: [0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 30, 300, 3600],
    registers: [metricsRegistry],
  }),
};

interface Head {
  id: string;
  subscription_id: string;
  event: Record<string, unknown> & { id: string; type: string; time?: string };
  attempts: number;
  retry_since: Date;
  url: string;
  secret: string;
  previous_secret: string | null;
  previous_secret_until: Date | null;
}

interface Outcome {
  ok: boolean;
  status: number | null;
  error: string | null;
  latencyMs: number;
  excerpt: string | null;
}

/** An attempt made and not yet written to its row. */
interface Done {
  id: string;
  subscriptionId: string;
  retrySince: Date;
  status: 'delivered' | 'pending' | 'dead';
  attempts: number;
  delayMs: number;
  outcome: Outcome;
}

/** Claimed heads that may wait per subscription, as a multiple of WEBHOOK_SUBSCRIPTION_CONCURRENCY. */
const READY_FACTOR = 2;

/** Pending rows read per subscription each round (its oldest, in order). */
const SCAN_PER_SUBSCRIPTION = 500;

/**
 * Reads an answer's body: keeps its first `keep` bytes, drops the rest, and stops (closing the
 * connection) past `max` bytes. A body that breaks off rejects.
 */
function readCapped(body: Readable, keep: number, max: number): Promise<Buffer> {
  return new Promise((resolve, reject) => {
    const parts: Buffer[] = [];
    let kept = 0;
    let seen = 0;
    body.on('data', (b: Buffer) => {
      if (kept < keep) {
        const part = b.subarray(0, keep - kept);
        parts.push(part);
        kept += part.length;
      }
      seen += b.length;
      if (seen > max) {
        body.removeAllListeners('data');
        body.on('error', () => undefined);
        body.destroy();
        resolve(Buffer.concat(parts));
      }
    });
    body.once('end', () => resolve(Buffer.concat(parts)));
    body.once('error', reject);
  });
}

function lockKey(): string {
  return createHash('sha256').update('crm-webhook-dispatcher').digest().readBigInt64BE(0).toString();
}

/**
 * Sends the queued deliveries. One gateway replica dispatches at a time (advisory lock; the others
 * stand by). Per subscription and subject only the oldest pending delivery is in flight, so a
 * receiver sees one entity's events in order; failures back off exponentially with jitter until
 * the retry period is over, then the delivery is dead (listed, replayable) and, if nothing reached
 * the receiver during that whole period, the subscription is disabled with the reason.
 *
 * Each round writes the outcomes of the attempts finished since the last one (one UPDATE for all)
 * while it claims the next heads (one query) into a ready list that refills the slots as attempts
 * finish; a delivery whose outcome is not written yet still counts as in flight, so its subject's
 * next event waits for the row to say delivered. Rounds follow each other while attempts finish or
 * new rows are notified.
 */
@Injectable()
export class WebhookDispatcher implements OnApplicationBootstrap, BeforeApplicationShutdown {
  private readonly logger = new Logger('Webhooks');
  private client?: Client;
  /** For the outcomes' updates, beside the client that holds the lock and listens. */
  private readonly pool: Pool;
  private stopped = false;
  private running?: Promise<void>;
  private readonly inFlight = new Map<string, Promise<void>>();
  private readonly inFlightBySubscription = new Map<string, number>();
  /** Deliveries in flight or with an outcome not yet written: their subjects wait. */
  private readonly busy = new Set<string>();
  private done: Done[] = [];
  /**
   * Claimed heads waiting for a free slot (per subscription up to READY_FACTOR times what it may
   * have in flight), so slots refill without waiting for a round and a round claims enough to keep
   * them full while the next one runs.
   */
  private readonly ready: Head[] = [];
  private wake: () => void = () => (this.woken = true);
  private readonly agent: Agent;

  constructor(
    @Inject(WEBHOOK_SETTINGS) private readonly settings: WebhookSettings,
    @Inject(SERVICE_CONFIG) private readonly config: ServiceConfig,
  ) {
    this.pool = new Pool({
      connectionString: config.DATABASE_URL,
      application_name: 'gateway-webhooks',
      max: 4,
    });
    this.pool.on('error', () => undefined);
    pendingProbe = this.pool;
    // Keep-alive connections per receiver (origin), as many as one subscription may have in flight.
    this.agent = new Agent({
      connect: { lookup: guardedLookup(settings.allowedTargets), timeout: settings.timeoutMs },
      headersTimeout: settings.timeoutMs,
      bodyTimeout: settings.timeoutMs,
      connections: settings.subscriptionConcurrency,
      keepAliveTimeout: 30_000,
    });
  }

  onApplicationBootstrap(): void {
    this.running = this.run();
  }

  async beforeApplicationShutdown(): Promise<void> {
    this.stopped = true;
    this.wake();
    await this.running;
    await Promise.allSettled(this.inFlight.values());
    await this.flush().catch((error: unknown) =>
      this.logger.warn(`dispatcher: outcomes not written at shutdown (sent again later): ${(error as Error).message}`),
    );
    await this.agent.close().catch(() => undefined);
    if (pendingProbe === this.pool) pendingProbe = undefined;
    await this.pool.end().catch(() => undefined);
  }

  private woken = false;

  /** Waits up to `ms`, or until woken (a NOTIFY, a finished delivery, shutdown); a wake-up while busy is kept. */
  private sleep(ms: number): Promise<void> {
    if (this.woken) {
      this.woken = false;
      return Promise.resolve();
    }
    return new Promise((resolve) => {
      const done = (): void => {
        clearTimeout(timer);
        this.wake = () => (this.woken = true);
        resolve();
      };
      const timer = setTimeout(done, ms);
      this.wake = done;
    });
  }

  private async run(): Promise<void> {
    while (!this.stopped) {
      try {
        await this.lead();
      } catch (error) {
        if (!this.stopped) this.logger.warn(`dispatcher: ${(error as Error).message}; retrying`);
      }
      await this.client?.end().catch(() => undefined);
      this.client = undefined;
      if (!this.stopped) await this.sleep(1000);
    }
  }

  /** Takes the lock (or waits for it), then dispatches while it holds it. */
  private async lead(): Promise<void> {
    const client = new Client({
      connectionString: this.config.DATABASE_URL,
      application_name: 'gateway-webhooks',
      keepAlive: true,
    });
    this.client = client;
    client.on('error', () => undefined);
    await client.connect();
    for (;;) {
      if (this.stopped) return;
      const { rows } = await client.query<{ locked: boolean }>('SELECT pg_try_advisory_lock($1::bigint) AS locked', [
        lockKey(),
      ]);
      if (rows[0].locked) break;
      await this.sleep(1000);
    }
    client.on('notification', () => this.wake());
    await client.query(`LISTEN ${DELIVERIES_CHANNEL}`);
    try {
      while (!this.stopped) {
        // The finished attempts' outcomes are written while the next heads are read (their subjects
        // are still busy in that read, so a subject's next event is taken in the round after).
        const want = (1 + READY_FACTOR) * this.settings.concurrency - this.inFlight.size - this.ready.length;
        const [flushed, claimed] = await Promise.allSettled([
          this.flush(),
          want > 0 ? this.heads(client, want) : Promise.resolve([]),
        ]);
        if (claimed.status === 'fulfilled') this.ready.push(...claimed.value);
        this.pump();
        if (flushed.status === 'rejected') throw flushed.reason;
        if (claimed.status === 'rejected') throw claimed.reason;
        await this.sleep(this.settings.pollMs);
      }
    } finally {
      // Claimed, not started: released (claimed again by whoever leads next).
      for (const h of this.ready.splice(0)) this.busy.delete(h.id);
    }
  }

  /**
   * Starts claimed deliveries, oldest claim first, while fewer than WEBHOOK_CONCURRENCY are in
   * flight, and fewer than WEBHOOK_SUBSCRIPTION_CONCURRENCY of the same subscription (so one slow
   * receiver cannot take every slot).
   */
  private pump(): void {
    for (let i = 0; i < this.ready.length && !this.stopped && this.inFlight.size < this.settings.concurrency; ) {
      const h = this.ready[i];
      const running = this.inFlightBySubscription.get(h.subscription_id) ?? 0;
      if (running >= this.settings.subscriptionConcurrency) {
        i += 1;
        continue;
      }
      this.ready.splice(i, 1);
      this.inFlightBySubscription.set(h.subscription_id, running + 1);
      const p = this.deliver(h)
        .catch((error: unknown) => {
          // Not sent, or its outcome lost: the row stays pending and is tried again.
          this.busy.delete(h.id);
          this.logger.warn(`delivery ${h.id}: ${(error as Error).message}`);
        })
        .finally(() => {
          this.inFlight.delete(h.id);
          const n = (this.inFlightBySubscription.get(h.subscription_id) ?? 1) - 1;
          if (n > 0) this.inFlightBySubscription.set(h.subscription_id, n);
          else this.inFlightBySubscription.delete(h.subscription_id);
          this.pump();
          this.wake();
        });
      this.inFlight.set(h.id, p);
    }
  }

  /**
   * The next deliveries to send: of each active subscription's oldest pending rows (in order), the
   * first of each subject, when it is due and not in flight (nor waiting for its outcome to be
   * written). A subject whose oldest row waits for a retry holds back its later rows; other subjects
   * and subscriptions go on. Subscriptions take turns (each one's first head, then each one's second…).
   */
  private async heads(client: Client, limit: number): Promise<Head[]> {
    const { rows } = await client.query<Head>(
      `WITH scan AS (
         SELECT d.id, d.subscription_id, d.event_subject, d.next_attempt_at, d.seq
           FROM webhook_subscriptions s
          CROSS JOIN LATERAL (
                SELECT id, subscription_id, event_subject, next_attempt_at, seq FROM webhook_deliveries
                 WHERE subscription_id = s.id AND status = 'pending'
                 ORDER BY seq LIMIT $1) d
          WHERE s.status = 'active'),
       heads AS (
         SELECT DISTINCT ON (subscription_id, event_subject) id, subscription_id, next_attempt_at, seq
           FROM scan ORDER BY subscription_id, event_subject, seq),
       chosen AS (
         SELECT id, seq, row_number() OVER (PARTITION BY subscription_id ORDER BY seq) AS turn
           FROM heads WHERE next_attempt_at <= now() AND id <> ALL($2::uuid[])),
       taken AS (SELECT id, seq, turn FROM chosen WHERE turn <= $4 ORDER BY turn, seq LIMIT $3)
       SELECT d.id, d.subscription_id, d.event, d.attempts, d.retry_since,
              s.url, s.secret, s.previous_secret, s.previous_secret_until
         FROM taken c JOIN webhook_deliveries d ON d.id = c.id JOIN webhook_subscriptions s ON s.id = d.subscription_id
        ORDER BY c.turn, c.seq`,
      [SCAN_PER_SUBSCRIPTION, [...this.busy], limit, READY_FACTOR * this.settings.subscriptionConcurrency],
    );
    // At most READY_FACTOR times as many waiting per subscription as it may have in flight.
    const waiting = new Map<string, number>();
    for (const h of this.ready) waiting.set(h.subscription_id, (waiting.get(h.subscription_id) ?? 0) + 1);
    const taken: Head[] = [];
    for (const h of rows) {
      const n = waiting.get(h.subscription_id) ?? 0;
      if (n >= READY_FACTOR * this.settings.subscriptionConcurrency) continue;
      waiting.set(h.subscription_id, n + 1);
      this.busy.add(h.id);
      taken.push(h);
    }
    return taken;
  }

  private async send(h: Head): Promise<Outcome> {
    const body = JSON.stringify(h.event);
    const timestamp = Math.floor(Date.now() / 1000);
    const secrets = [h.secret];
    if (h.previous_secret && h.previous_secret_until && h.previous_secret_until > new Date())
      secrets.push(h.previous_secret);
    const started = performance.now();
    // One timer for the whole attempt, cleared when it ends (AbortSignal.timeout's would stay armed).
    const abort = new AbortController();
    let timedOut = false;
    const timer = setTimeout(() => {
      timedOut = true;
      abort.abort();
    }, this.settings.timeoutMs);
    try {
      const res = await request(h.url, {
        method: 'POST',
        body,
        dispatcher: this.agent,
        signal: abort.signal,
        headers: {
          'content-type': 'application/cloudevents+json; charset=utf-8',
          'user-agent': 'crm-webhooks/1',
          'crm-event-id': h.event.id,
          'crm-event-type': h.event.type,
          'crm-delivery-id': h.id,
          'crm-timestamp': String(timestamp),
          'crm-signature': signatureHeader(secrets, timestamp, body),
        },
      });
      // Keep a short excerpt of the answer; read and drop the rest up to a bound, then cut.
      const excerpt = await readCapped(res.body, this.settings.responseExcerptBytes, 64 * 1024);
      const ok = res.statusCode >= 200 && res.statusCode < 300;
      return {
        ok,
        status: res.statusCode,
        error: ok ? null : `receiver answered ${res.statusCode}`,
        latencyMs: Math.round(performance.now() - started),
        excerpt: excerpt.length ? excerpt.toString('utf8').replaceAll(String.fromCharCode(0), '') : null,
      };
    } catch (error) {
      const e = error as Error & { cause?: Error };
      const message = e.cause?.message ?? e.message;
      return {
        ok: false,
        status: null,
        error: (timedOut || e.name === 'TimeoutError'
          ? `no answer within ${this.settings.timeoutMs} ms`
          : message
        ).slice(0, 500),
        latencyMs: Math.round(performance.now() - started),
        excerpt: null,
      };
    } finally {
      clearTimeout(timer);
    }
  }

  private async deliver(h: Head): Promise<void> {
    const o = await this.send(h);
    const attempts = h.attempts + 1;
    if (o.ok) {
      metrics.attempts.inc({ outcome: 'delivered' });
      const time = h.event.time ? Date.parse(h.event.time) : NaN;
      if (Number.isFinite(time)) metrics.lag.observe((Date.now() - time) / 1000);
    }
    const delayMs = o.ok ? 0 : backoffMs(attempts, this.settings.backoffBaseMs, this.settings.backoffMaxMs);
    const dead = !o.ok && Date.now() + delayMs > h.retry_since.getTime() + this.settings.retrySeconds * 1000;
    if (!o.ok) metrics.attempts.inc({ outcome: dead ? 'dead' : 'failed' });
    this.done.push({
      id: h.id,
      subscriptionId: h.subscription_id,
      retrySince: h.retry_since,
      status: o.ok ? 'delivered' : dead ? 'dead' : 'pending',
      attempts,
      delayMs,
      outcome: o,
    });
  }

  /**
   * Writes the outcomes of the finished attempts, all in one statement (and the subscriptions'
   * last success), then disables the subscriptions whose dead delivery saw no success in its whole
   * retry period. Until then their subjects stay held back; if it fails they are written next round.
   */
  private async flush(): Promise<void> {
    if (this.done.length === 0) return;
    const done = this.done;
    this.done = [];
    const dead = done.filter((x) => x.status === 'dead');
    // With a dead delivery, its row and its subscription's disabling are written together.
    const c = dead.length ? await this.pool.connect() : this.pool;
    try {
      if (dead.length) await c.query('BEGIN');
      await c.query(
        `WITH o AS (
           SELECT * FROM unnest($1::uuid[], $2::text[], $3::int[], $4::float8[], $5::int[], $6::text[], $7::int[], $8::text[])
             AS o(id, status, attempts, delay_ms, last_status, last_error, latency_ms, excerpt)),
         u AS (
           UPDATE webhook_deliveries d SET status = o.status, attempts = o.attempts,
             next_attempt_at = CASE WHEN o.status = 'delivered' THEN d.next_attempt_at
                                    ELSE now() + make_interval(secs => o.delay_ms / 1000) END,
             delivered_at = CASE WHEN o.status = 'delivered' THEN now() ELSE d.delivered_at END,
             last_attempt_at = now(), last_status = o.last_status, last_error = o.last_error,
             last_latency_ms = o.latency_ms, response_excerpt = o.excerpt
           FROM o WHERE d.id = o.id
           RETURNING d.subscription_id, o.status)
         UPDATE webhook_subscriptions SET last_success_at = now()
          WHERE id IN (SELECT subscription_id FROM u WHERE status = 'delivered')`,
        [
          done.map((d) => d.id),
          done.map((d) => d.status),
          done.map((d) => d.attempts),
          done.map((d) => d.delayMs),
          done.map((d) => d.outcome.status),
          done.map((d) => d.outcome.error),
          done.map((d) => d.outcome.latencyMs),
          done.map((d) => d.outcome.excerpt),
        ],
      );
      // Nothing reached the receiver during the whole retry period: stop sending, say why.
      for (const d of dead)
        await c.query(
          `UPDATE webhook_subscriptions SET status = 'disabled', version = version + 1, updated_at = now(),
             status_reason = $3
           WHERE id = $1 AND status = 'active' AND (last_success_at IS NULL OR last_success_at < $2)`,
          [
            d.subscriptionId,
            d.retrySince,
            `Disabled at ${new Date().toISOString()}: deliveries failed for the whole retry period (${this.settings.retrySeconds} s); last error: ${d.outcome.error}`,
          ],
        );
      if (dead.length) await c.query('COMMIT');
    } catch (error) {
      if (dead.length) await c.query('ROLLBACK').catch(() => undefined);
      this.done = [...done, ...this.done];
      throw error;
    } finally {
      if (c !== this.pool) (c as PoolClient).release();
    }
    for (const d of done) this.busy.delete(d.id);
  }
}
