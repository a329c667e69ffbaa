import { Injectable, Logger } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import type { DataSource } from 'typeorm';
import { checkExportColumns, ExportAudit, exportLines, type ExportFormat, type ExportPage } from '@crm/bulk';
import { uuidv7 } from '@crm/persistence';
import { validationFailed } from '@crm/platform';
import { dealFilters, type DealFilters } from '../deals/deal-list';
import { ORDER_FILTER_SQL, orderFilterParams, type OrderFilter } from '../orders/orders.repository';
import {
  DEAL_COLUMN_SQL,
  DEAL_EXPORT_COLUMNS,
  DEAL_FROM,
  ORDER_COLUMN_SQL,
  ORDER_EXPORT_COLUMNS,
} from './export-columns';

const FIRST = '00000000-0000-0000-0000-000000000000';

export interface Export {
  id: string;
  lines: AsyncGenerator<string>;
}

/**
 * Streams filtered deal and order lists as CSV or JSON lines, one keyset page
 * (by id) at a time, so memory stays one page whatever the list's size. Both
 * hold personal data (contacts, billing): every export is audited in
 * `sales_exports` (who, list, columns, filters, rows, finished), never a value.
 */
@Injectable()
export class SalesExportsService {
  private readonly logger = new Logger('Exports');
  private readonly audit: ExportAudit;

  constructor(@InjectDataSource() private readonly dataSource: DataSource) {
    this.audit = new ExportAudit(dataSource, 'sales_exports');
  }

  async deals(format: ExportFormat, columns: string[], filters: DealFilters, by: string): Promise<Export> {
    const problems = checkExportColumns(columns, DEAL_EXPORT_COLUMNS);
    if (filters.amountMin !== undefined && filters.amountMax !== undefined && filters.amountMax < filters.amountMin)
      problems.push({ field: 'amountMax', message: 'must not be below amountMin' });
    if (problems.length) throw validationFailed(problems);
    const { where, params } = dealFilters(filters);
    const n = params.length;
    where.push(`d.id > $${n + 1}`);
    const sql = `SELECT d.id AS key, jsonb_build_array(${columns.map((c) => DEAL_COLUMN_SQL[c]).join(', ')}) AS v
                   ${DEAL_FROM} WHERE ${where.join(' AND ')} ORDER BY d.id LIMIT $${n + 2}`;
    return this.start('deals', format, columns, { ...filters }, by, (after, limit) =>
      this.dataSource.query(sql, [...params, after ?? FIRST, limit]),
    );
  }

  async orders(format: ExportFormat, columns: string[], filters: OrderFilter, by: string): Promise<Export> {
    const problems = checkExportColumns(columns, ORDER_EXPORT_COLUMNS);
    if (
      filters.minTotalMinor !== undefined &&
      filters.maxTotalMinor !== undefined &&
      filters.maxTotalMinor < filters.minTotalMinor
    )
      problems.push({ field: 'maxTotalMinor', message: 'must not be below minTotalMinor' });
    if (problems.length) throw validationFailed(problems);
    const params = orderFilterParams(filters);
    const sql = `SELECT o.id AS key, jsonb_build_array(${columns.map((c) => ORDER_COLUMN_SQL[c]).join(', ')}) AS v
                   FROM orders o WHERE ${ORDER_FILTER_SQL} AND o.id > $12 ORDER BY o.id LIMIT $13`;
    return this.start('orders', format, columns, { ...filters }, by, (after, limit) =>
      this.dataSource.query(sql, [...params, after ?? FIRST, limit]),
    );
  }

  private async start(
    kind: string,
    format: ExportFormat,
    columns: string[],
    filters: Record<string, unknown>,
    by: string,
    page: (after: string | null, limit: number) => Promise<ExportPage[]>,
  ): Promise<Export> {
    const id = uuidv7();
    const defined = Object.fromEntries(Object.entries(filters).filter(([, v]) => v !== undefined));
    await this.audit.start({ id, kind, by, format, columns, filters: defined });
    this.logger.log(`export ${id}: ${kind}, ${format}, ${columns.length} columns, by ${by}`);
    return {
      id,
      lines: exportLines({
        format,
        columns,
        page,
        finished: (rows, completed) =>
          this.audit
            .finish(id, rows, completed)
            .catch((error: Error) => this.logger.warn(`export ${id}: audit not completed: ${error.message}`)),
      }),
    };
  }
}
