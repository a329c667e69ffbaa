import type { EntityManager } from 'typeorm';
import { addBusinessSeconds, businessSecondsBetween } from '../calendars/business-time';
import { CalendarStore } from '../calendars/calendar-store';

export const SLA_TARGETS = ['first_response', 'next_response', 'resolution'] as const;
export type SlaTarget = (typeof SLA_TARGETS)[number];
export type ClockState = 'running' | 'paused' | 'met' | 'breached' | 'cancelled';

export interface ClockRow {
  ticket_id: string;
  target: SlaTarget;
  calendar_id: string;
  target_seconds: number;
  warn_at_percent: number;
  state: ClockState;
  used_seconds: number;
  running_since: Date | null;
  due_at: Date | null;
  warn_due_at: Date | null;
  warned_at: Date | null;
  breached_at: Date | null;
  met_at: Date | null;
}

export interface PolicyRow {
  id: string;
  calendar_id: string;
  first_response_minutes: number | null;
  next_response_minutes: number | null;
  resolution_minutes: number | null;
  warn_at_percent: number;
  pause_on_pending: boolean;
  pause_on_hold: boolean;
}

export interface ClockView {
  target: SlaTarget;
  state: ClockState;
  targetSeconds: number;
  dueAt: string | null;
  remainingSeconds: number;
  breachedAt: string | null;
  metAt: string | null;
}

const minutesOf: Record<SlaTarget, keyof PolicyRow> = {
  first_response: 'first_response_minutes',
  next_response: 'next_response_minutes',
  resolution: 'resolution_minutes',
};

/** Most specific first: a policy naming the channel or tier beats one for the priority alone. */
export async function matchPolicy(
  m: EntityManager,
  t: { priority: string; channel: string; accountTier: string | null },
): Promise<PolicyRow | null> {
  const [row]: PolicyRow[] = await m.query(
    `SELECT * FROM sla_policies
      WHERE priority = $1 AND (channel IS NULL OR channel = $2) AND (account_tier IS NULL OR account_tier = $3)
      ORDER BY (channel IS NOT NULL)::int + (account_tier IS NOT NULL)::int DESC, created_at, id LIMIT 1`,
    [t.priority, t.channel, t.accountTier],
  );
  return row ?? null;
}

/**
 * The SLA clocks of tickets, changed inside the ticket's transaction. A
 * running clock carries its due time (and warning time) so the scheduler
 * only scans an index; pausing banks the business time used so far.
 */
export class SlaClocks {
  private readonly calendars: CalendarStore;

  constructor(private readonly m: EntityManager) {
    this.calendars = new CalendarStore(m);
  }

  async policy(id: string | null): Promise<PolicyRow | null> {
    if (!id) return null;
    const [row]: PolicyRow[] = await this.m.query(`SELECT * FROM sla_policies WHERE id = $1`, [id]);
    return row ?? null;
  }

  /** Starts the given targets of a policy at `at` (a target the policy has no minutes for is not measured). */
  async start(ticketId: string, policy: PolicyRow, targets: SlaTarget[], at: Date): Promise<void> {
    const cal = await this.calendars.get(policy.calendar_id);
    for (const target of targets) {
      const minutes = policy[minutesOf[target]] as number | null;
      if (!minutes) continue;
      const seconds = minutes * 60;
      const warnSeconds = Math.floor((seconds * policy.warn_at_percent) / 100);
      const due = addBusinessSeconds(cal, at, seconds);
      const warn = policy.warn_at_percent < 100 ? addBusinessSeconds(cal, at, warnSeconds) : null;
      await this.m.query(
        `INSERT INTO sla_clocks (ticket_id, target, calendar_id, target_seconds, warn_at_percent, state, used_seconds,
                                 running_since, due_at, warn_due_at, warned_at, breached_at, met_at, updated_at)
         VALUES ($1, $2, $3, $4, $5, 'running', 0, $6, $7, $8, NULL, NULL, NULL, now())
         ON CONFLICT (ticket_id, target) DO UPDATE SET
           calendar_id = EXCLUDED.calendar_id, target_seconds = EXCLUDED.target_seconds,
           warn_at_percent = EXCLUDED.warn_at_percent, state = 'running', used_seconds = 0,
           running_since = EXCLUDED.running_since, due_at = EXCLUDED.due_at, warn_due_at = EXCLUDED.warn_due_at,
           warned_at = NULL, breached_at = NULL, met_at = NULL, updated_at = now()`,
        [ticketId, target, policy.calendar_id, seconds, policy.warn_at_percent, at, due, warn],
      );
    }
  }

  private async clocks(ticketId: string, states: ClockState[], targets?: SlaTarget[]): Promise<ClockRow[]> {
    return this.m.query(
      `SELECT * FROM sla_clocks WHERE ticket_id = $1 AND state = ANY($2::text[])
         AND ($3::text[] IS NULL OR target = ANY($3::text[])) ORDER BY target FOR UPDATE`,
      [ticketId, states, targets ?? null],
    );
  }

  /** Banks the business time used by running clocks and stops them counting (pending, on-hold). */
  async pause(ticketId: string, at: Date): Promise<void> {
    for (const c of await this.clocks(ticketId, ['running'])) {
      const used = c.used_seconds + (await this.usedSince(c, at));
      await this.m.query(
        `UPDATE sla_clocks SET state = 'paused', used_seconds = $3, running_since = NULL, due_at = NULL,
                warn_due_at = NULL, updated_at = now() WHERE ticket_id = $1 AND target = $2`,
        [ticketId, c.target, used],
      );
    }
  }

  /** Paused clocks (and, on reopen, a met resolution clock) count again from `at` with what is left. */
  async resume(ticketId: string, at: Date, states: ClockState[] = ['paused'], targets?: SlaTarget[]): Promise<void> {
    for (const c of await this.clocks(ticketId, states, targets)) {
      const cal = await this.calendars.get(c.calendar_id);
      const left = Math.max(0, c.target_seconds - c.used_seconds);
      const warnSeconds = Math.floor((c.target_seconds * c.warn_at_percent) / 100);
      const warn =
        !c.warned_at && c.warn_at_percent < 100 && c.used_seconds < warnSeconds
          ? addBusinessSeconds(cal, at, warnSeconds - c.used_seconds)
          : null;
      await this.m.query(
        `UPDATE sla_clocks SET state = 'running', running_since = $3, due_at = $4, warn_due_at = $5, met_at = NULL,
                updated_at = now() WHERE ticket_id = $1 AND target = $2`,
        [ticketId, c.target, at, addBusinessSeconds(cal, at, left), warn],
      );
    }
  }

  /** The targets are fulfilled at `at`; a breached clock stays breached but records when it was met. */
  async meet(ticketId: string, targets: SlaTarget[], at: Date): Promise<void> {
    for (const c of await this.clocks(ticketId, ['running', 'paused', 'breached'], targets)) {
      if (c.met_at) continue;
      const used = c.used_seconds + (c.running_since ? await this.usedSince(c, at) : 0);
      await this.m.query(
        `UPDATE sla_clocks SET state = CASE WHEN state = 'breached' THEN 'breached' ELSE 'met' END, met_at = $3,
                used_seconds = $4, running_since = NULL, due_at = NULL, warn_due_at = NULL, updated_at = now()
          WHERE ticket_id = $1 AND target = $2`,
        [ticketId, c.target, at, used],
      );
    }
  }

  /** A merged or closed ticket's clocks stop without being met. */
  async cancel(ticketId: string): Promise<void> {
    await this.m.query(
      `UPDATE sla_clocks SET state = 'cancelled', running_since = NULL, due_at = NULL, warn_due_at = NULL, updated_at = now()
        WHERE ticket_id = $1 AND state IN ('running', 'paused')`,
      [ticketId],
    );
  }

  private async usedSince(c: ClockRow, at: Date): Promise<number> {
    if (!c.running_since) return 0;
    return businessSecondsBetween(await this.calendars.get(c.calendar_id), c.running_since, at);
  }

  /** Per target: state, due time and business time left now (negative once breached). */
  async view(ticketId: string, now = new Date()): Promise<ClockView[]> {
    const rows: ClockRow[] = await this.m.query(`SELECT * FROM sla_clocks WHERE ticket_id = $1 ORDER BY target`, [
      ticketId,
    ]);
    const out: ClockView[] = [];
    for (const c of rows) {
      const cal = await this.calendars.get(c.calendar_id);
      let used = c.used_seconds;
      if (c.running_since) used += businessSecondsBetween(cal, c.running_since, now);
      const dueAt = c.due_at ?? (c.state === 'breached' && !c.met_at ? c.breached_at : null);
      out.push({
        target: c.target,
        state: c.state,
        targetSeconds: c.target_seconds,
        dueAt: dueAt ? dueAt.toISOString() : null,
        remainingSeconds: c.target_seconds - used,
        breachedAt: c.breached_at?.toISOString() ?? null,
        metAt: c.met_at?.toISOString() ?? null,
      });
    }
    return out;
  }
}
