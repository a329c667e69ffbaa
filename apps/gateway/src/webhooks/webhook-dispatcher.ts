import { createHash } from 'node:crypto';
import {
  Inject,
  Injectable,
  Logger,
  type BeforeApplicationShutdown,
  type OnApplicationBootstrap,
} from '@nestjs/common';
import { Client, Pool } from 'pg';
import { Counter, Gauge, Histogram } from 'prom-client';
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

/** Pending rows read per subscription each round (its oldest, in order). */
const SCAN_PER_SUBSCRIPTION = 500;

function lockKey(): string {
  return createHash('sha256').update('crm-webhook-dispatcher').digest().readBigInt64BE(0).toString();
}

/**
 * Sends the queued deliveries. One gateway replica dispatches at a time (advisory lock; the others
 * stand by). Per subscription and subject only the oldest pending delivery is in flight, so a
 * receiver sees one entity's events in order; failures back off exponentially with jitter until
 * the retry period is over, then the delivery is dead (listed, replayable) and, if nothing reached
 * the receiver during that whole period, the subscription is disabled with the reason.
 */
@Injectable()
export class WebhookDispatcher implements OnApplicationBootstrap, BeforeApplicationShutdown {
  private readonly logger = new Logger('Webhooks');
  private client?: Client;
  /** For the deliveries' updates, beside the client that holds the lock and listens. */
  private readonly pool: Pool;
  private stopped = false;
  private running?: Promise<void>;
  private readonly inFlight = new Map<string, Promise<void>>();
  /** Delivery id to its `subscription subject` key, for those in flight. */
  private readonly inFlightKeys = new Map<string, string>();
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
    this.agent = new Agent({
      connect: { lookup: guardedLookup(settings.allowedTargets), timeout: settings.timeoutMs },
      headersTimeout: settings.timeoutMs,
      bodyTimeout: settings.timeoutMs,
      connections: 8,
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
    while (!this.stopped) {
      const free = this.settings.concurrency - this.inFlight.size;
      const heads = free > 0 ? await this.heads(client, free) : [];
      for (const h of heads) {
        const key = h.id;
        const p = this.deliver(h)
          .catch((error: unknown) => this.logger.warn(`delivery ${h.id}: ${(error as Error).message}`))
          .finally(() => {
            this.inFlight.delete(key);
            this.inFlightKeys.delete(key);
            this.wake();
          });
        this.inFlight.set(key, p);
      }
      if (heads.length === 0 || heads.length >= free) await this.sleep(this.settings.pollMs);
    }
  }

  /**
   * The next deliveries to send: of each active subscription's oldest pending rows (in order), the
   * first of each subject, when it is due and its subject has nothing in flight. A subject whose
   * oldest row waits for a retry holds back its later rows; other subjects and subscriptions go on.
   */
  private async heads(client: Client, limit: number): Promise<Head[]> {
    const { rows } = await client.query<{ id: string; key: string; due: boolean }>(
      `SELECT d.id, d.subscription_id || ' ' || d.event_subject AS key, d.next_attempt_at <= now() AS due
         FROM webhook_subscriptions s
        CROSS JOIN LATERAL (
              SELECT id, subscription_id, event_subject, next_attempt_at, seq FROM webhook_deliveries
               WHERE subscription_id = s.id AND status = 'pending'
               ORDER BY seq LIMIT $1) d
        WHERE s.status = 'active'
        ORDER BY s.id, d.seq`,
      [SCAN_PER_SUBSCRIPTION],
    );
    const seen = new Set(this.inFlightKeys.values());
    const chosen: string[] = [];
    for (const r of rows) {
      if (seen.has(r.key)) continue;
      seen.add(r.key);
      if (r.due && chosen.length < limit) {
        chosen.push(r.id);
        this.inFlightKeys.set(r.id, r.key);
      }
    }
    if (chosen.length === 0) return [];
    const full = await client.query<Head>(
      `SELECT d.id, d.subscription_id, d.event, d.attempts, d.retry_since,
              s.url, s.secret, s.previous_secret, s.previous_secret_until
         FROM webhook_deliveries d JOIN webhook_subscriptions s ON s.id = d.subscription_id
        WHERE d.id = ANY($1::uuid[])`,
      [chosen],
    );
    return full.rows;
  }

  private async send(h: Head): Promise<Outcome> {
    const body = JSON.stringify(h.event);
    const timestamp = Math.floor(Date.now() / 1000);
    const secrets = [h.secret];
    if (h.previous_secret && h.previous_secret_until && h.previous_secret_until > new Date())
      secrets.push(h.previous_secret);
    const started = performance.now();
    try {
      const res = await request(h.url, {
        method: 'POST',
        body,
        dispatcher: this.agent,
        signal: AbortSignal.timeout(this.settings.timeoutMs),
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
      let excerpt = Buffer.alloc(0);
      let seen = 0;
      for await (const chunk of res.body) {
        const b = chunk as Buffer;
        if (excerpt.length < this.settings.responseExcerptBytes)
          excerpt = Buffer.concat([excerpt, b.subarray(0, this.settings.responseExcerptBytes - excerpt.length)]);
        seen += b.length;
        if (seen > 64 * 1024) break;
      }
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
        error: (e.name === 'TimeoutError' ? `no answer within ${this.settings.timeoutMs} ms` : message).slice(0, 500),
        latencyMs: Math.round(performance.now() - started),
        excerpt: null,
      };
    }
  }

  private async deliver(h: Head): Promise<void> {
    const client = this.pool;
    const o = await this.send(h);
    if (o.ok) {
      metrics.attempts.inc({ outcome: 'delivered' });
      const time = h.event.time ? Date.parse(h.event.time) : NaN;
      if (Number.isFinite(time)) metrics.lag.observe((Date.now() - time) / 1000);
      await client.query(
        `WITH d AS (
           UPDATE webhook_deliveries SET status = 'delivered', attempts = attempts + 1, delivered_at = now(),
             last_attempt_at = now(), last_status = $2, last_error = NULL, last_latency_ms = $3, response_excerpt = $4
           WHERE id = $1 RETURNING subscription_id)
         UPDATE webhook_subscriptions SET last_success_at = now() WHERE id = (SELECT subscription_id FROM d)`,
        [h.id, o.status, o.latencyMs, o.excerpt],
      );
      return;
    }
    const attempts = h.attempts + 1;
    const delay = backoffMs(attempts, this.settings.backoffBaseMs, this.settings.backoffMaxMs);
    const dead = Date.now() + delay > h.retry_since.getTime() + this.settings.retrySeconds * 1000;
    metrics.attempts.inc({ outcome: dead ? 'dead' : 'failed' });
    await client.query(
      `UPDATE webhook_deliveries SET status = $2, attempts = $3, next_attempt_at = now() + make_interval(secs => $4::float8 / 1000),
         last_attempt_at = now(), last_status = $5, last_error = $6, last_latency_ms = $7, response_excerpt = $8
       WHERE id = $1`,
      [h.id, dead ? 'dead' : 'pending', attempts, delay, o.status, o.error, o.latencyMs, o.excerpt],
    );
    if (dead) {
      // Nothing reached the receiver during the whole retry period: stop sending, say why.
      await client.query(
        `UPDATE webhook_subscriptions SET status = 'disabled', version = version + 1, updated_at = now(),
           status_reason = $3
         WHERE id = $1 AND status = 'active' AND (last_success_at IS NULL OR last_success_at < $2)`,
        [
          h.subscription_id,
          h.retry_since,
          `Disabled at ${new Date().toISOString()}: deliveries failed for the whole retry period (${this.settings.retrySeconds} s); last error: ${o.error}`,
        ],
      );
    }
  }
}
