import type { EntityManager } from 'typeorm';
import { MARKETING_EVENTS, type PointsPayload, type TierChangedPayload } from '@crm/contracts';
import type { EventPublisher } from '@crm/messaging';
import { uuidv7 } from '@crm/persistence';
import { tierFor, type Tier } from './loyalty-rules';

export interface ProgramRow {
  id: string;
  name: string;
  currency: string;
  points_per_unit: string;
  category_multipliers: Record<string, number>;
  tiers: Tier[];
  expiry_days: number | null;
  version: number;
}

export type LedgerKind = 'earn' | 'redeem' | 'expire' | 'adjust';

/**
 * The points ledger: every change is an entry, the balance never goes below
 * zero (a CHECK, and debits take from the oldest unexpired earnings first so
 * expiry never takes points already spent).
 */
export class LedgerRepository {
  constructor(private readonly events: EventPublisher) {}

  async account(manager: EntityManager, programId: string, contactId: string) {
    await manager.query(
      `INSERT INTO loyalty_accounts (program_id, contact_id) VALUES ($1, $2) ON CONFLICT DO NOTHING`,
      [programId, contactId],
    );
    const [a]: { balance: string; lifetime: string; tier: string | null }[] = await manager.query(
      `SELECT balance, lifetime, tier FROM loyalty_accounts WHERE program_id = $1 AND contact_id = $2 FOR UPDATE`,
      [programId, contactId],
    );
    return { balance: Number(a.balance), lifetime: Number(a.lifetime), tier: a.tier };
  }

  /** Credits points (earn, or a positive adjust); returns the entry id, or null if this order already earned. */
  async credit(
    manager: EntityManager,
    program: ProgramRow,
    contactId: string,
    points: number,
    kind: 'earn' | 'adjust',
    orderId: string | null,
    reason: string | null,
  ): Promise<string | null> {
    const acct = await this.account(manager, program.id, contactId);
    const id = uuidv7();
    const inserted: unknown[] = await manager.query(
      `INSERT INTO loyalty_ledger (id, program_id, contact_id, kind, points, remaining, order_id, reason, expires_at)
       VALUES ($1, $2, $3, $4, $5, $5, $6, $7, CASE WHEN $8::int IS NULL THEN NULL ELSE now() + make_interval(days => $8::int) END)
       ON CONFLICT DO NOTHING RETURNING id`,
      [id, program.id, contactId, kind, points, orderId, reason, program.expiry_days],
    );
    if (!inserted.length) return null;
    const balance = acct.balance + points;
    const lifetime = acct.lifetime + (kind === 'earn' ? points : 0);
    const tier = tierFor(program.tiers, lifetime)?.name ?? null;
    await manager.query(
      `UPDATE loyalty_accounts SET balance = $3, lifetime = $4, tier = $5, updated_at = now() WHERE program_id = $1 AND contact_id = $2`,
      [program.id, contactId, balance, lifetime, tier],
    );
    await this.announce(manager, MARKETING_EVENTS.pointsEarned, program.id, contactId, id, points, balance, orderId);
    if (tier !== acct.tier) {
      const data: TierChangedPayload = {
        programId: program.id,
        contactId,
        from: acct.tier,
        to: tier,
        at: new Date().toISOString(),
      };
      await this.events.publish(manager, { type: MARKETING_EVENTS.tierChanged, subject: contactId, version: 1, data });
    }
    return id;
  }

  /**
   * Debits points (redeem, expire, negative adjust), oldest earnings first.
   * `clamp` takes what is there (for reversals and expiry); otherwise fewer
   * points than asked leaves everything as it was and answers null.
   */
  async debit(
    manager: EntityManager,
    programId: string,
    contactId: string,
    points: number,
    kind: 'redeem' | 'expire' | 'adjust',
    options: { orderId?: string | null; reason?: string | null; clamp?: boolean; onlyExpired?: boolean } = {},
  ): Promise<{ id: string; points: number; balance: number } | null> {
    const acct = await this.account(manager, programId, contactId);
    const take = options.clamp ? Math.min(points, acct.balance) : points;
    if (take > acct.balance || take <= 0) return null;
    const sources: { id: string; remaining: string }[] = await manager.query(
      `SELECT id, remaining FROM loyalty_ledger WHERE program_id = $1 AND contact_id = $2 AND remaining > 0
          AND ($3::boolean IS FALSE OR expires_at <= now())
        ORDER BY occurred_at, id FOR UPDATE`,
      [programId, contactId, options.onlyExpired ?? false],
    );
    let left = take;
    for (const s of sources) {
      if (left === 0) break;
      const used = Math.min(left, Number(s.remaining));
      await manager.query(`UPDATE loyalty_ledger SET remaining = remaining - $2 WHERE id = $1`, [s.id, used]);
      left -= used;
    }
    const id = uuidv7();
    const balance = acct.balance - take;
    await manager.query(
      `INSERT INTO loyalty_ledger (id, program_id, contact_id, kind, points, order_id, reason) VALUES ($1, $2, $3, $4, $5, $6, $7)`,
      [id, programId, contactId, kind, -take, options.orderId ?? null, options.reason ?? null],
    );
    await manager.query(
      `UPDATE loyalty_accounts SET balance = $3, updated_at = now() WHERE program_id = $1 AND contact_id = $2`,
      [programId, contactId, balance],
    );
    const type = kind === 'expire' ? MARKETING_EVENTS.pointsExpired : MARKETING_EVENTS.pointsRedeemed;
    await this.announce(manager, type, programId, contactId, id, -take, balance, options.orderId ?? null);
    return { id, points: take, balance };
  }

  private async announce(
    manager: EntityManager,
    type: string,
    programId: string,
    contactId: string,
    entryId: string,
    points: number,
    balance: number,
    orderId: string | null,
  ) {
    const data: PointsPayload = {
      programId,
      contactId,
      entryId,
      points,
      balance,
      orderId,
      at: new Date().toISOString(),
    };
    await this.events.publish(manager, { type, subject: contactId, version: 1, data });
  }
}
