import { Injectable, Logger } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import type { DataSource } from 'typeorm';
import { checkExportColumns, ExportAudit, exportLines, type ExportFormat } from '@crm/bulk';
import { uuidv7 } from '@crm/persistence';
import { validationFailed } from '@crm/platform';

const ISO = (col: string) => `to_char(${col} AT TIME ZONE 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS.MS"Z"')`;

/** Exportable account columns and their SQL over `accounts a`. */
const COLUMN_SQL: Record<string, string> = {
  id: `a.id`,
  name: `a.name`,
  domain: `a.domain`,
  industry: `a.industry`,
  sizeBand: `a.size_band`,
  country: `a.country`,
  city: `a.city`,
  externalIds: `COALESCE((SELECT jsonb_agg(jsonb_build_object('source', x.source, 'id', x.external_id)
                                 ORDER BY x.source, x.external_id)
                            FROM account_external_ids x WHERE x.account_id = a.id), '[]')`,
  people: `(SELECT count(*) FROM person_accounts pa WHERE pa.account_id = a.id)`,
  version: `a.version`,
  createdAt: ISO('a.created_at'),
  updatedAt: ISO('a.updated_at'),
};
export const ACCOUNT_EXPORT_COLUMNS = Object.keys(COLUMN_SQL);
export const DEFAULT_ACCOUNT_COLUMNS = ['id', 'name', 'domain', 'industry', 'country', 'externalIds'];

export interface AccountExportRequest {
  format: ExportFormat;
  columns?: string;
  q?: string;
  country?: string;
  industry?: string;
  sizeBand?: string;
}

/**
 * Streams the accounts matching the list's filter (and country, industry,
 * size band) one keyset page at a time; audited in `contact_exports` (kind
 * `accounts`) like contact exports: who, columns, filters, rows, never values.
 */
@Injectable()
export class AccountExportsService {
  private readonly logger = new Logger('Exports');
  private readonly audit: ExportAudit;

  constructor(@InjectDataSource() private readonly dataSource: DataSource) {
    this.audit = new ExportAudit(dataSource, 'contact_exports');
  }

  async start(query: AccountExportRequest, by: string): Promise<{ id: string; lines: AsyncGenerator<string> }> {
    const { format = 'csv', columns: given, ...filters } = query;
    const columns = given ? given.split(',') : DEFAULT_ACCOUNT_COLUMNS;
    const problems = checkExportColumns(columns, ACCOUNT_EXPORT_COLUMNS);
    if (problems.length) throw validationFailed(problems);
    const params: unknown[] = [];
    const p = (v: unknown) => {
      params.push(v);
      return `$${params.length}`;
    };
    const where: string[] = [];
    if (filters.q) {
      const like = p(`%${filters.q.replace(/[%_\\]/g, '\\$&')}%`);
      const q = p(filters.q);
      where.push(`(a.name ILIKE ${like} OR a.name % ${q}
                   OR EXISTS (SELECT 1 FROM account_external_ids x WHERE x.account_id = a.id AND lower(x.external_id) = lower(${q})))`);
    }
    if (filters.country) where.push(`a.country = ${p(filters.country.toUpperCase())}`);
    if (filters.industry) where.push(`a.industry = ${p(filters.industry)}`);
    if (filters.sizeBand) where.push(`a.size_band = ${p(filters.sizeBand)}`);
    const after = params.length + 1;
    where.push(`a.id > $${after}`);
    const sql = `SELECT a.id AS key, jsonb_build_array(${columns.map((c) => COLUMN_SQL[c]).join(', ')}) AS v
                   FROM accounts a WHERE ${where.join(' AND ')} ORDER BY a.id LIMIT $${after + 1}`;
    const id = uuidv7();
    const defined = Object.fromEntries(Object.entries(filters).filter(([, v]) => v !== undefined));
    await this.audit.start({ id, kind: 'accounts', by, format, columns, filters: defined });
    this.logger.log(`export ${id}: accounts, ${format}, ${columns.length} columns, by ${by}`);
    return {
      id,
      lines: exportLines({
        format,
        columns,
        page: (last, limit) =>
          this.dataSource.query(sql, [...params, last ?? '00000000-0000-0000-0000-000000000000', limit]),
        finished: (rows, completed) =>
          this.audit
            .finish(id, rows, completed)
            .catch((error: Error) => this.logger.warn(`export ${id}: audit not completed: ${error.message}`)),
      }),
    };
  }
}
