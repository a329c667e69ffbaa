import type { DataSource } from 'typeorm';
import { reclaimStreamBuffers } from '@crm/platform';
import { spreadsheetCell } from '../csv/csv-text';

export type ExportFormat = 'csv' | 'jsonl';

export interface ExportPage {
  /** The keyset key (the row's id) the next page starts after. */
  key: string;
  /** The chosen columns' values, in order. */
  v: unknown[];
}

export interface ExportSource {
  format: ExportFormat;
  columns: string[];
  /** Rows after `after` (null: from the start), at most `limit`, in key order. */
  page(after: string | null, limit: number): Promise<ExportPage[]>;
  /** Called once when the stream ends: the rows sent and whether the whole list went out. */
  finished(rows: number, completed: boolean): Promise<void>;
  /** Rows per keyset page (default 1000). */
  pageSize?: number;
}

/**
 * The lines of an export, one keyset page at a time: memory stays one page
 * whatever the list's size, and the database is asked again only when the
 * client has taken the previous page (the generator is pulled by the socket).
 */
export async function* exportLines(s: ExportSource): AsyncGenerator<string> {
  const size = s.pageSize ?? 1000;
  // Each page's rows and text are garbage once sent: nothing here holds them past the yield, and a
  // young collection every 4 MB sent frees them before they are promoted to the old generation
  // (where they would pile up until a full collection).
  const reclaim = reclaimStreamBuffers(4 * 1024 * 1024);
  let rows = 0;
  let completed = false;
  try {
    if (s.format === 'csv') yield s.columns.map(spreadsheetCell).join(',') + '\r\n';
    let after: string | null = null;
    for (;;) {
      const { parts, n, last } = render(s, await s.page(after, size));
      if (!n) break;
      rows += n;
      after = last;
      for (const part of parts) {
        yield part;
        reclaim(part.length);
      }
      if (n < size) break;
    }
    completed = true;
  } finally {
    await s.finished(rows, completed);
  }
}

/**
 * A string past V8's largest regular object (128 KiB) is born in the old generation, which only a
 * full collection frees: a page's text is cut into parts well below that, so sent text dies young.
 */
const PART_CHARS = 32 * 1024;

/** One page as text parts; the page itself is not kept by the caller. */
function render(s: ExportSource, page: ExportPage[]): { parts: string[]; n: number; last: string | null } {
  const parts: string[] = [];
  let out = '';
  for (const row of page) {
    out +=
      s.format === 'csv'
        ? row.v.map(csvValue).join(',') + '\r\n'
        : JSON.stringify(Object.fromEntries(s.columns.map((c, i) => [c, row.v[i] ?? null]))) + '\n';
    if (out.length >= PART_CHARS) {
      parts.push(out);
      out = '';
    }
  }
  if (out) parts.push(out);
  return { parts, n: page.length, last: page.length ? page[page.length - 1].key : null };
}

/** A value as a CSV cell: lists joined by `|` (external ids as source:id), objects as JSON. */
export function csvValue(v: unknown): string {
  if (v === null || v === undefined) return '';
  if (Array.isArray(v))
    return spreadsheetCell(
      v
        .map((x) =>
          x && typeof x === 'object' && 'source' in x
            ? `${(x as { source: string }).source}:${(x as { id: string }).id}`
            : typeof x === 'object'
              ? JSON.stringify(x)
              : String(x),
        )
        .join('|'),
    );
  if (typeof v === 'object') return spreadsheetCell(JSON.stringify(v));
  return spreadsheetCell(String(v));
}

/** The columns asked for, checked against those a list can export: problems name the `columns` field. */
export function checkExportColumns(
  columns: string[],
  known: readonly string[],
  extra: (c: string) => boolean = () => false,
  extraNames = '',
): { field: string; message: string }[] {
  const problems = columns
    .filter((c) => !known.includes(c) && !extra(c))
    .map((c) => ({
      field: 'columns',
      message: `"${c}" is not an exportable column (${known.join(', ')}${extraNames})`,
    }));
  if (new Set(columns).size !== columns.length) problems.push({ field: 'columns', message: 'names a column twice' });
  return problems;
}

/**
 * The audit of an export of personal data (who, which list, columns, filters,
 * format, rows, whether it finished), never its values: a row in `table`
 * (EXPORT_AUDIT_SQL's shape) when it starts, completed when it ends.
 */
export class ExportAudit {
  constructor(
    private readonly dataSource: DataSource,
    private readonly table: string,
  ) {}

  async start(e: {
    id: string;
    kind: string;
    by: string;
    format: ExportFormat;
    columns: string[];
    filters: Record<string, unknown>;
  }): Promise<void> {
    await this.dataSource.query(
      `INSERT INTO ${this.table} (id, kind, requested_by, format, columns, filters) VALUES ($1, $2, $3, $4, $5, $6)`,
      [e.id, e.kind, e.by, e.format, e.columns, JSON.stringify(e.filters)],
    );
  }

  async finish(id: string, rows: number, completed: boolean): Promise<void> {
    await this.dataSource.query(`UPDATE ${this.table} SET rows = $2, outcome = $3, finished_at = now() WHERE id = $1`, [
      id,
      rows,
      completed ? 'completed' : 'aborted',
    ]);
  }
}

/** The audit table, for a service's migration. */
export function exportAuditSql(table: string): string[] {
  return [
    `CREATE TABLE ${table} (
       id uuid PRIMARY KEY,
       kind text NOT NULL,
       requested_by text NOT NULL,
       format text NOT NULL,
       columns text[] NOT NULL,
       filters jsonb NOT NULL,
       rows int NOT NULL DEFAULT 0,
       outcome text NOT NULL DEFAULT 'streaming',
       started_at timestamptz NOT NULL DEFAULT now(),
       finished_at timestamptz
     )`,
    `CREATE INDEX ${table}_started_idx ON ${table} (started_at DESC)`,
  ];
}
