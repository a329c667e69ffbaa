import { createHash } from 'node:crypto';
import { Client } from 'pg';
import type { DataSource } from 'typeorm';
import { SUPPORT_EVENTS, type SlaEventPayload } from '@crm/contracts';
import type { EventPublisher } from '@crm/messaging';
import { inTransaction, queryReturning } from '@crm/persistence';
import { SLA_CHANNEL } from '../migrations/1797000001000-support-schema';

export interface SlaSchedulerOptions {
  databaseUrl: string;
  dataSource: DataSource;
  events: EventPublisher;
  pollMs: number;
  batchSize?: number;
  log: (level: 'info' | 'warn', message: string) => void;
}

/** Stable 63-bit advisory lock key of support's SLA scheduler. */
export const SLA_LOCK_KEY = createHash('sha256')
  .update('crm-support-sla-scheduler')
  .digest()
  .readBigInt64BE(0)
  .toString();

interface Fired {
  ticket_id: string;
  target: string;
  due_at: Date;
  target_seconds: number;
  version: number;
}

const pause = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

/**
 * Emits crm.support.sla.breached (and .warning) when a running clock's due
 * (or warning) time passes, whether or not anyone looks at the ticket. Due
 * times live in sla_clocks (indexed, partial on running clocks), so restarts
 * lose nothing: a clock that fell due while every replica was down fires on
 * the next start. One replica scans (the holder of an advisory lock, as the
 * outbox relay does); the others stand by. It sleeps until the next due time
 * or the poll interval, whichever is sooner, and a NOTIFY from a clock change
 * wakes it. Each firing marks the clock and writes the event to the outbox in
 * one transaction, with SKIP LOCKED so a ticket being answered right then is
 * left to that transaction and looked at again on the next pass.
 */
export class SlaScheduler {
  private stopped = false;
  private running?: Promise<void>;
  private client?: Client;
  private wake?: () => void;
  active = false;

  constructor(private readonly o: SlaSchedulerOptions) {}

  start(): void {
    this.running ??= this.run();
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
        this.o.log('warn', `SLA scheduler paused: ${(error as Error).message}`);
        await this.sleep(backoff);
        backoff = Math.min(backoff * 2, 5000);
      } finally {
        this.active = false;
        const c = this.client;
        this.client = undefined;
        await c?.end().catch(() => undefined);
      }
    }
  }

  private async session(): Promise<void> {
    const client = new Client({
      connectionString: this.o.databaseUrl,
      application_name: 'support-sla-scheduler',
      keepAlive: true,
      connectionTimeoutMillis: 5000,
      query_timeout: 10_000,
      // A leader that went silent loses its session, so its lock, and a standby takes over.
      options: '-c idle_session_timeout=30000 -c tcp_user_timeout=5000',
    });
    this.client = client;
    client.on('error', () => undefined);
    await client.connect();
    while (!this.stopped) {
      const { rows } = await client.query<{ locked: boolean }>('SELECT pg_try_advisory_lock($1::bigint) AS locked', [
        SLA_LOCK_KEY,
      ]);
      if (rows[0].locked) break;
      await this.sleep(1000);
      await client.query('SELECT 1');
    }
    if (this.stopped) return;
    this.active = true;
    client.on('notification', () => this.wake?.());
    await client.query(`LISTEN ${SLA_CHANNEL}`);
    this.o.log('info', 'SLA scheduler active');
    const batch = this.o.batchSize ?? 500;
    while (!this.stopped) {
      const fired = (await this.fire('breach', batch)) + (await this.fire('warning', batch));
      if (fired >= batch) continue;
      const { rows: next } = await client.query<{ ms: number | null }>(
        `SELECT EXTRACT(EPOCH FROM (LEAST(
            (SELECT min(due_at) FROM sla_clocks WHERE state = 'running'),
            (SELECT min(warn_due_at) FROM sla_clocks WHERE state = 'running' AND warned_at IS NULL)) - now())) * 1000 AS ms`,
      );
      const ms = next[0].ms === null ? this.o.pollMs : Math.max(0, Math.min(this.o.pollMs, Number(next[0].ms) + 5));
      await this.sleep(ms);
    }
  }

  /** Marks up to `limit` clocks that fell due and writes their events, in one transaction. */
  private async fire(kind: 'breach' | 'warning', limit: number): Promise<number> {
    return inTransaction(this.o.dataSource, async (m) => {
      const rows: Fired[] =
        kind === 'breach'
          ? await queryReturning(
              m,
              `WITH due AS (
                 SELECT ticket_id, target FROM sla_clocks WHERE state = 'running' AND due_at <= now()
                  ORDER BY due_at LIMIT $1 FOR UPDATE SKIP LOCKED)
               UPDATE sla_clocks c SET state = 'breached', breached_at = c.due_at, updated_at = now()
                 FROM due, tickets t WHERE c.ticket_id = due.ticket_id AND c.target = due.target AND t.id = c.ticket_id
               RETURNING c.ticket_id, c.target, c.due_at, c.target_seconds, t.version`,
              [limit],
            )
          : await queryReturning(
              m,
              `WITH due AS (
                 SELECT ticket_id, target FROM sla_clocks
                  WHERE state = 'running' AND warned_at IS NULL AND warn_due_at <= now()
                  ORDER BY warn_due_at LIMIT $1 FOR UPDATE SKIP LOCKED)
               UPDATE sla_clocks c SET warned_at = now(), updated_at = now()
                 FROM due, tickets t WHERE c.ticket_id = due.ticket_id AND c.target = due.target AND t.id = c.ticket_id
               RETURNING c.ticket_id, c.target, c.due_at, c.target_seconds, t.version`,
              [limit],
            );
      if (rows.length === 0) return 0;
      const now = new Date().toISOString();
      await this.o.events.publishAll<SlaEventPayload>(
        m,
        rows.map((r) => ({
          type: kind === 'breach' ? SUPPORT_EVENTS.slaBreached : SUPPORT_EVENTS.slaWarning,
          subject: r.ticket_id,
          version: r.version,
          data: {
            ticketId: r.ticket_id,
            target: r.target as SlaEventPayload['target'],
            targetSeconds: r.target_seconds,
            dueAt: new Date(r.due_at).toISOString(),
            at: now,
          },
        })),
      );
      return rows.length;
    });
  }

  private async sleep(ms: number): Promise<void> {
    if (this.stopped) return;
    await Promise.race([pause(ms), new Promise<void>((resolve) => (this.wake = resolve))]);
    this.wake = undefined;
  }
}
