import { Injectable } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import type { DataSource, EntityManager } from 'typeorm';
import { JobRunner } from '@crm/jobs';
import { EventPublisher } from '@crm/messaging';
import { inTransaction, uuidv7 } from '@crm/persistence';
import { validationFailed } from '@crm/platform';
import { marketingError } from '../shared/marketing-errors';
import type { AdjustPointsDto, CreateProgramDto, PointsDto } from './dto/loyalty.dto';
import { LedgerRepository, type ProgramRow } from './ledger.repository';

const EXPIRY_JOB = 'marketing-points-expiry';

const programView = (p: ProgramRow) => ({
  id: p.id,
  name: p.name,
  currency: p.currency,
  pointsPerUnit: Number(p.points_per_unit),
  categoryMultipliers: p.category_multipliers,
  tiers: p.tiers,
  expiryDays: p.expiry_days,
  version: p.version,
});

@Injectable()
export class LoyaltyService {
  private readonly ledger: LedgerRepository;

  constructor(
    @InjectDataSource() private readonly dataSource: DataSource,
    events: EventPublisher,
    jobs: JobRunner,
  ) {
    this.ledger = new LedgerRepository(events);
    jobs.register({
      name: EXPIRY_JOB,
      cron: '17 * * * *',
      policy: 'singleton',
      handler: async () => {
        await this.expire();
      },
    });
  }

  async create(dto: CreateProgramDto) {
    const bad = Object.entries(dto.categoryMultipliers ?? {}).find(
      ([k, v]) => k.length > 100 || typeof v !== 'number' || !(v > 0 && v <= 10),
    );
    if (bad)
      throw validationFailed([
        { field: `categoryMultipliers.${bad[0]}`, message: 'must be a number above 0, at most 10' },
      ]);
    const id = uuidv7();
    return inTransaction(this.dataSource, async (m) => {
      await m.query(
        `INSERT INTO loyalty_programs (id, name, currency, points_per_unit, category_multipliers, tiers, expiry_days)
         VALUES ($1, $2, $3, $4, $5, $6, $7)`,
        [
          id,
          dto.name,
          dto.currency,
          dto.pointsPerUnit,
          JSON.stringify(dto.categoryMultipliers ?? {}),
          JSON.stringify(dto.tiers ?? []),
          dto.expiryDays ?? null,
        ],
      );
      return programView(await this.program(m, id));
    });
  }

  private async program(m: EntityManager, id: string): Promise<ProgramRow> {
    const [p]: ProgramRow[] = await m.query(`SELECT * FROM loyalty_programs WHERE id = $1`, [id]);
    if (!p) throw marketingError('PROGRAM_NOT_FOUND', `No loyalty program ${id}`);
    return p;
  }

  async get(id: string) {
    return programView(await this.program(this.dataSource.manager, id));
  }

  async list() {
    const rows: ProgramRow[] = await this.dataSource.query(`SELECT * FROM loyalty_programs ORDER BY id DESC LIMIT 200`);
    return { items: rows.map(programView) };
  }

  async account(programId: string, contactId: string) {
    await this.program(this.dataSource.manager, programId);
    const [a]: { balance: string; lifetime: string; tier: string | null }[] = await this.dataSource.query(
      `SELECT balance, lifetime, tier FROM loyalty_accounts WHERE program_id = $1 AND contact_id = $2`,
      [programId, contactId],
    );
    const entries: {
      id: string;
      kind: string;
      points: string;
      order_id: string | null;
      reason: string | null;
      occurred_at: Date;
      expires_at: Date | null;
    }[] = await this.dataSource.query(
      `SELECT id, kind, points, order_id, reason, occurred_at, expires_at FROM loyalty_ledger
          WHERE program_id = $1 AND contact_id = $2 ORDER BY occurred_at DESC, id DESC LIMIT 50`,
      [programId, contactId],
    );
    return {
      programId,
      contactId,
      balance: Number(a?.balance ?? 0),
      lifetime: Number(a?.lifetime ?? 0),
      tier: a?.tier ?? null,
      ledger: entries.map((e) => ({
        id: e.id,
        kind: e.kind,
        points: Number(e.points),
        orderId: e.order_id,
        reason: e.reason,
        at: e.occurred_at.toISOString(),
        expiresAt: e.expires_at?.toISOString() ?? null,
      })),
    };
  }

  async redeem(programId: string, contactId: string, dto: PointsDto) {
    await inTransaction(this.dataSource, async (m) => {
      await this.program(m, programId);
      const done = await this.ledger.debit(m, programId, contactId, dto.points, 'redeem', {
        reason: dto.reason ?? null,
      });
      if (!done) throw marketingError('POINTS_INSUFFICIENT', `The balance is below ${dto.points} points`);
    });
    return this.account(programId, contactId);
  }

  async adjust(programId: string, contactId: string, dto: AdjustPointsDto) {
    await inTransaction(this.dataSource, async (m) => {
      const program = await this.program(m, programId);
      if (dto.points > 0) await this.ledger.credit(m, program, contactId, dto.points, 'adjust', null, dto.reason);
      else if (!(await this.ledger.debit(m, programId, contactId, -dto.points, 'adjust', { reason: dto.reason })))
        throw marketingError('POINTS_INSUFFICIENT', `The balance is below ${-dto.points} points`);
    });
    return this.account(programId, contactId);
  }

  /** Expires what is left of earnings past their expiry (a durable hourly job). */
  async expire(): Promise<number> {
    const due: { program_id: string; contact_id: string; points: string }[] = await this.dataSource.query(
      `SELECT program_id, contact_id, sum(remaining)::bigint AS points FROM loyalty_ledger
        WHERE remaining > 0 AND expires_at <= now() GROUP BY program_id, contact_id LIMIT 1000`,
    );
    for (const d of due)
      await inTransaction(this.dataSource, (m) =>
        this.ledger.debit(m, d.program_id, d.contact_id, Number(d.points), 'expire', {
          clamp: true,
          onlyExpired: true,
        }),
      );
    return due.length;
  }
}
