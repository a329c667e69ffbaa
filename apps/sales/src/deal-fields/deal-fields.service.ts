import { Injectable } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import type { DataSource, EntityManager } from 'typeorm';
import { validationFailed } from '@crm/platform';
import { salesError } from '../shared/sales-errors';
import { checkDealFields, type DealFieldDefinition } from './check-deal-fields';
import type { CreateDealFieldDto } from './dto/deal-field.dto';

/** Definitions change rarely; replicas see a new one within this many milliseconds. */
const DEFINITIONS_TTL_MS = 5000;
/** What GET /deal-fields answers in one list. */
const MAX_FIELDS = 200;

export interface DealFieldView extends DealFieldDefinition {
  label: string;
}

const COLUMNS = `key, label, type, required, options, max_length AS "maxLength"`;

@Injectable()
export class DealFieldsService {
  private cached?: { at: number; definitions: DealFieldView[] };

  constructor(@InjectDataSource() private readonly dataSource: DataSource) {}

  list(): Promise<DealFieldView[]> {
    return this.dataSource.query(`SELECT ${COLUMNS} FROM deal_custom_fields ORDER BY key LIMIT ${MAX_FIELDS}`);
  }

  async define(dto: CreateDealFieldDto): Promise<DealFieldView> {
    if (dto.type === 'enum' && !dto.options?.length)
      throw validationFailed([{ field: 'options', message: 'an enum field needs its options' }]);
    if (dto.type !== 'enum' && dto.options)
      throw validationFailed([{ field: 'options', message: 'only an enum field has options' }]);
    if (dto.type !== 'string' && dto.maxLength !== undefined)
      throw validationFailed([{ field: 'maxLength', message: 'only a string field has a maxLength' }]);
    const [{ n }]: { n: number }[] = await this.dataSource.query(`SELECT count(*)::int AS n FROM deal_custom_fields`);
    if (n >= MAX_FIELDS)
      throw salesError('CUSTOM_FIELDS_FULL', `At most ${MAX_FIELDS} deal fields can be defined`, { max: MAX_FIELDS });
    const rows: DealFieldView[] = await this.dataSource.query(
      `INSERT INTO deal_custom_fields (key, label, type, required, options, max_length) VALUES ($1, $2, $3, $4, $5, $6)
       ON CONFLICT (key) DO NOTHING RETURNING ${COLUMNS}`,
      [dto.key, dto.label, dto.type, dto.required ?? false, dto.options ?? null, dto.maxLength ?? null],
    );
    if (!rows.length)
      throw salesError('CUSTOM_FIELD_EXISTS', `A deal field ${dto.key} already exists`, {
        errors: [{ field: 'key', message: 'is taken' }],
      });
    this.cached = undefined;
    return rows[0];
  }

  /** Throws a 400 naming each bad `customFields.<key>`. */
  async check(m: EntityManager, values: Record<string, unknown>, partial: boolean): Promise<void> {
    if (!this.cached || Date.now() - this.cached.at > DEFINITIONS_TTL_MS) {
      this.cached = { at: Date.now(), definitions: await m.query(`SELECT ${COLUMNS} FROM deal_custom_fields`) };
    }
    const problems = checkDealFields(values, this.cached.definitions, partial);
    if (problems.length) throw validationFailed(problems);
  }
}
