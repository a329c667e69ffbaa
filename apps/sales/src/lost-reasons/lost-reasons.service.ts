import { Injectable } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import type { DataSource, EntityManager } from 'typeorm';
import { uuidv7 } from '@crm/persistence';
import { salesError } from '../shared/sales-errors';
import type { CreateLostReasonDto, UpdateLostReasonDto } from './dto/lost-reason.dto';

export interface LostReasonView {
  id: string;
  label: string;
  active: boolean;
  createdAt: string;
  updatedAt: string;
}

interface Row {
  id: string;
  label: string;
  active: boolean;
  created_at: Date;
  updated_at: Date;
}

const view = (r: Row): LostReasonView => ({
  id: r.id,
  label: r.label,
  active: r.active,
  createdAt: r.created_at.toISOString(),
  updatedAt: r.updated_at.toISOString(),
});

const taken = (label: string) =>
  salesError('LOST_REASON_TAKEN', `A lost reason "${label}" exists`, {
    errors: [{ field: 'label', message: 'is the label of another lost reason' }],
  });

/** The configurable list a lost deal picks its reason from. A reason is retired, never deleted: deals keep it. */
@Injectable()
export class LostReasonsService {
  constructor(@InjectDataSource() private readonly dataSource: DataSource) {}

  async list(includeInactive: boolean): Promise<LostReasonView[]> {
    const rows: Row[] = await this.dataSource.query(
      `SELECT * FROM lost_reasons WHERE $1 OR active ORDER BY lower(label) LIMIT 500`,
      [includeInactive],
    );
    return rows.map(view);
  }

  async get(id: string): Promise<LostReasonView> {
    const row = await this.find(this.dataSource.manager, id);
    if (!row) throw salesError('LOST_REASON_NOT_FOUND', `No lost reason ${id}`);
    return view(row);
  }

  async find(m: EntityManager, id: string): Promise<Row | undefined> {
    const rows: Row[] = await m.query(`SELECT * FROM lost_reasons WHERE id = $1`, [id]);
    return rows[0];
  }

  async create(dto: CreateLostReasonDto): Promise<LostReasonView> {
    const label = dto.label.trim();
    const rows: Row[] = await this.dataSource.query(
      `INSERT INTO lost_reasons (id, label) VALUES ($1, $2) ON CONFLICT ((lower(label))) DO NOTHING RETURNING *`,
      [uuidv7(), label],
    );
    if (!rows.length) throw taken(label);
    return view(rows[0]);
  }

  async update(id: string, dto: UpdateLostReasonDto): Promise<LostReasonView> {
    const current = await this.get(id);
    const label = dto.label?.trim() ?? current.label;
    try {
      // TypeORM answers an UPDATE with [rows, count].
      const [rows] = (await this.dataSource.query(
        `UPDATE lost_reasons SET label = $2, active = $3, updated_at = clock_timestamp() WHERE id = $1 RETURNING *`,
        [id, label, dto.active ?? current.active],
      )) as [Row[], number];
      return view(rows[0]);
    } catch (e) {
      if ((e as { code?: string }).code === '23505') throw taken(label);
      throw e;
    }
  }
}
