import { Injectable, Logger } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import type { DataSource } from 'typeorm';
import { checkExportColumns, ExportAudit, exportLines, type ExportFormat } from '@crm/bulk';
import { uuidv7 } from '@crm/persistence';
import { validationFailed } from '@crm/platform';
import { CustomFieldsService } from '../custom-fields/custom-fields.service';
import { parseCustomFieldFilters } from '../search/custom-field-filter';

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
export type { ExportFormat };

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

  private readonly audit: ExportAudit;

  constructor(
    @InjectDataSource() private readonly dataSource: DataSource,
    private readonly customFields: CustomFieldsService,
  ) {
    this.audit = new ExportAudit(dataSource, 'contact_exports');
  }

  /** Checks the request and records the export; the rows come from `rows()`. */
  async start(r: ExportRequest): Promise<{ id: string; rows: () => AsyncGenerator<string> }> {
    const definitions = await this.customFields.definitions();
    const keys = new Set(definitions.map((d) => d.key));
    const problems = checkExportColumns(
      r.columns,
      EXPORT_COLUMNS,
      (c) => c.startsWith('cf.') && keys.has(c.slice(3)),
      ', cf.<key>',
    );
    if (problems.length) throw validationFailed(problems);
    const cf = parseCustomFieldFilters(r.cf ?? {}, definitions);
    const id = uuidv7();
    await this.audit.start({
      id,
      kind: 'contacts',
      by: r.by,
      format: r.format,
      columns: r.columns,
      filters: { ...r.filters, ...(r.cf ? { cf: r.cf } : {}) },
    });
    this.logger.log(`export ${id}: ${r.format}, ${r.columns.length} columns, by ${r.by}`);
    return { id, rows: () => this.stream(id, r, cf) };
  }

  private stream(id: string, r: ExportRequest, cf: { key: string; values: unknown[] }[]): AsyncGenerator<string> {
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
    const sql = `SELECT p.id AS key, jsonb_build_array(${select}) AS v FROM people p
                  WHERE ${where.join(' AND ')} AND p.id > $${after} ORDER BY p.id LIMIT $${after + 1}`;
    return exportLines({
      format: r.format,
      columns: r.columns,
      page: (last, limit) =>
        this.dataSource.query(sql, [...params, last ?? '00000000-0000-0000-0000-000000000000', limit]),
      finished: (rows, completed) =>
        this.audit
          .finish(id, rows, completed)
          .catch((error: Error) => this.logger.warn(`export ${id}: audit not completed: ${error.message}`)),
    });
  }
}
