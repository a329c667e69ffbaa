import { Injectable, Logger } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import type { DataSource } from 'typeorm';
import { uuidv7 } from '@crm/persistence';
import { validationFailed } from '@crm/platform';
import { CustomFieldsService } from '../custom-fields/custom-fields.service';
import { parseCustomFieldFilters } from '../search/custom-field-filter';

/** Rows read per keyset page while streaming. */
const PAGE = 1000;

/** Exportable columns and their SQL over `people p`. */
const COLUMN_SQL: Record<string, string> = {
  id: `p.id`,
  firstName: `p.first_name`,
  lastName: `p.last_name`,
  displayName: `p.display_name`,
  email: `(SELECT e.address FROM person_emails e WHERE e.person_id = p.id AND e.active
            ORDER BY e.is_primary DESC, e.created_at LIMIT 1)`,
  phone: `(SELECT ph.number FROM person_phones ph WHERE ph.person_id = p.id ORDER BY ph.is_primary DESC, ph.created_at LIMIT 1)`,
  lifecycleStage: `p.lifecycle_stage`,
  country: `p.country`,
  region: `p.region`,
  city: `p.city`,
  locale: `p.locale`,
  occupation: `p.occupation`,
  birthDate: `to_char(p.birth_date, 'YYYY-MM-DD')`,
  ownerId: `p.owner_id`,
  tags: `to_jsonb(p.tags)`,
  externalIds: `COALESCE((SELECT jsonb_agg(jsonb_build_object('source', x.source, 'id', x.external_id)
                                 ORDER BY x.source, x.external_id)
                            FROM person_external_ids x WHERE x.person_id = p.id AND x.active), '[]')`,
  sourceChannel: `p.source->>'channel'`,
  sourceCampaign: `p.source->>'campaign'`,
  utmSource: `p.source->>'utmSource'`,
  utmMedium: `p.source->>'utmMedium'`,
  utmCampaign: `p.source->>'utmCampaign'`,
  createdAt: `to_char(p.created_at AT TIME ZONE 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS.MS"Z"')`,
  updatedAt: `to_char(p.updated_at AT TIME ZONE 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS.MS"Z"')`,
};
export const EXPORT_COLUMNS = Object.keys(COLUMN_SQL);
export const DEFAULT_EXPORT_COLUMNS = ['id', 'firstName', 'lastName', 'email', 'phone', 'lifecycleStage', 'country'];
export type ExportFormat = 'csv' | 'jsonl';

export interface ExportRequest {
  format: ExportFormat;
  columns: string[];
  filters: { tag?: string[]; stage?: string; country?: string; sourceChannel?: string; owner?: string };
  cf?: Record<string, unknown>;
  by: string;
}

/**
 * Streams a filtered list of active contacts as CSV or JSON lines, one keyset
 * page (by id, on its index) at a time: memory stays one page whatever the
 * list's size. Every export is audited in `contact_exports` (who, columns,
 * filters, rows, whether the download finished), never its values.
 */
@Injectable()
export class ExportsService {
  private readonly logger = new Logger('Exports');

  constructor(
    @InjectDataSource() private readonly dataSource: DataSource,
    private readonly customFields: CustomFieldsService,
  ) {}

  /** Checks the request and records the export; the rows come from `rows()`. */
  async start(r: ExportRequest): Promise<{ id: string; rows: () => AsyncGenerator<string> }> {
    const definitions = await this.customFields.definitions();
    const keys = new Set(definitions.map((d) => d.key));
    const problems = r.columns
      .filter((c) => !COLUMN_SQL[c] && !(c.startsWith('cf.') && keys.has(c.slice(3))))
      .map((c) => ({
        field: 'columns',
        message: `"${c}" is not an exportable column (${EXPORT_COLUMNS.join(', ')}, cf.<key>)`,
      }));
    if (new Set(r.columns).size !== r.columns.length)
      problems.push({ field: 'columns', message: 'names a column twice' });
    if (problems.length) throw validationFailed(problems);
    const cf = parseCustomFieldFilters(r.cf ?? {}, definitions);
    const id = uuidv7();
    await this.dataSource.query(
      `INSERT INTO contact_exports (id, requested_by, format, columns, filters) VALUES ($1, $2, $3, $4, $5)`,
      [id, r.by, r.format, r.columns, JSON.stringify({ ...r.filters, ...(r.cf ? { cf: r.cf } : {}) })],
    );
    this.logger.log(`export ${id}: ${r.format}, ${r.columns.length} columns, by ${r.by}`);
    return { id, rows: () => this.stream(id, r, cf) };
  }

  private async *stream(
    id: string,
    r: ExportRequest,
    cf: { key: string; values: unknown[] }[],
  ): AsyncGenerator<string> {
    const params: unknown[] = [];
    const p = (v: unknown) => {
      params.push(v);
      return `$${params.length}`;
    };
    const where = [`p.status = 'active'`];
    const f = r.filters;
    if (f.tag?.length) where.push(`p.tags && ${p(f.tag)}::text[]`);
    if (f.stage) where.push(`p.lifecycle_stage = ${p(f.stage)}`);
    if (f.country) where.push(`p.country = ${p(f.country.toUpperCase())}`);
    if (f.sourceChannel) where.push(`p.source_channel = ${p(f.sourceChannel)}`);
    if (f.owner) where.push(`p.owner_id = ${p(f.owner)}`);
    for (const c of cf)
      where.push(
        `(${c.values.map((v) => `p.custom_fields @> ${p(JSON.stringify({ [c.key]: v }))}::jsonb`).join(' OR ')})`,
      );
    const select = r.columns
      .map((c) => (c.startsWith('cf.') ? `p.custom_fields -> ${p(c.slice(3))}` : COLUMN_SQL[c]))
      .join(', ');
    const after = params.length + 1;
    const sql = `SELECT p.id AS _key, jsonb_build_array(${select}) AS v FROM people p
                  WHERE ${where.join(' AND ')} AND p.id > $${after} ORDER BY p.id LIMIT ${PAGE}`;
    let rows = 0;
    let finished = false;
    try {
      if (r.format === 'csv') yield r.columns.map(csvCell).join(',') + '\r\n';
      let last = '00000000-0000-0000-0000-000000000000';
      for (;;) {
        const page: { _key: string; v: unknown[] }[] = await this.dataSource.query(sql, [...params, last]);
        if (!page.length) break;
        let out = '';
        for (const row of page) {
          out +=
            r.format === 'csv'
              ? row.v.map(csvValue).join(',') + '\r\n'
              : JSON.stringify(Object.fromEntries(r.columns.map((c, i) => [c, row.v[i] ?? null]))) + '\n';
        }
        rows += page.length;
        last = page[page.length - 1]._key;
        yield out;
        if (page.length < PAGE) break;
      }
      finished = true;
    } finally {
      await this.dataSource
        .query(`UPDATE contact_exports SET rows = $2, outcome = $3, finished_at = now() WHERE id = $1`, [
          id,
          rows,
          finished ? 'completed' : 'aborted',
        ])
        .catch((error: Error) => this.logger.warn(`export ${id}: audit not completed: ${error.message}`));
    }
  }
}

/** A value as a CSV cell: lists joined by `|`, external ids as source:id, objects as JSON. */
function csvValue(v: unknown): string {
  if (v === null || v === undefined) return '';
  if (Array.isArray(v))
    return csvCell(
      v
        .map((x) =>
          x && typeof x === 'object' && 'source' in x
            ? `${(x as { source: string }).source}:${(x as { id: string }).id}`
            : String(x),
        )
        .join('|'),
    );
  if (typeof v === 'object') return csvCell(JSON.stringify(v));
  return csvCell(String(v));
}

/**
 * Quoted when it holds a delimiter, quote or line break; a cell a spreadsheet would run as a formula
 * (= + - @ at the start, other than a phone number or a number) is prefixed with a quote.
 */
function csvCell(s: string): string {
  const safe = /^[=+\-@\t\r]/.test(s) && !/^[+-]?\d[\d.]*$/.test(s) ? `'${s}` : s;
  return /[",\r\n]/.test(safe) ? `"${safe.replace(/"/g, '""')}"` : safe;
}
