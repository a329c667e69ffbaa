import { Logger } from '@nestjs/common';
import { Readable } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import { from as copyFrom } from 'pg-copy-streams';
import type { PoolClient } from 'pg';
import type { DataSource, EntityManager } from 'typeorm';
import type { JobRunner } from '@crm/jobs';
import { currentTraceHeaders, OUTBOX_CHANNEL } from '@crm/messaging';
import { inTransaction, queryReturning, uuidv7 } from '@crm/persistence';
import { DomainError, validationFailed, type FieldProblem } from '@crm/platform';
import { CsvReader } from '../csv/csv-reader';
import { csvCell, sniffDelimiter } from '../csv/csv-text';

export type ImportState = 'queued' | 'running' | 'completed' | 'cancelled' | 'failed';
export type OnMatch = 'skip' | 'update';

/** What GET /…imports/{id} answers: the counts, rate and ETA of one import. */
export interface ImportStatus {
  id: string;
  status: ImportState;
  dryRun: boolean;
  onMatch: OnMatch;
  rowsTotal: number;
  rowsRead: number;
  valid: number;
  written: number;
  updated: number;
  skipped: number;
  failed: number;
  ratePerSecond: number | null;
  etaSeconds: number | null;
  createdAt: string;
  startedAt: string | null;
  finishedAt: string | null;
}

/** A CSV header -> field map and the kind's options (sources, separators), saved under a name. */
export interface ImportMapping {
  columns: Record<string, string>;
  [option: string]: unknown;
}

/** A refused value: the CSV column, the value as sent (null when it cannot be stored), the API's message. */
export interface ImportProblem {
  column: string;
  value: string | null;
  message: string;
}

/** Checks and normalises one CSV record into the tail of its staged line (the columns after import_id, row_no). */
export interface ImportRowPreparer {
  prepare(
    record: Record<string, string>,
  ):
    | { staged: string | null; problems: ImportProblem[] }
    | Promise<{ staged: string | null; problems: ImportProblem[] }>;
}

export interface ImportBatch<M extends ImportMapping = ImportMapping> {
  importId: string;
  /** Units (rows, or orders) from (inclusive) to (exclusive). */
  from: number;
  to: number;
  mapping: M;
  onMatch: OnMatch;
  dryRun: boolean;
  requestedBy: string;
  /** Trace headers for the outbox rows (JSON). */
  headers: string;
}

export interface ImportBatchResult {
  /** CSV rows the batch covered; when fewer than expected the staged rows are gone and the job stops. */
  read: number;
  valid: number;
  written: number;
  updated: number;
  skipped: number;
  failed: number;
  /** Rows refused while writing (a clash with a stored record): recorded in the error report. */
  errors: (ImportProblem & { row: number })[];
  /** Units the batch was expected to cover but did not find (0 when all were there). */
  missing: number;
}

/**
 * One kind of import (contacts, accounts, orders): its staging table, its
 * row checks and its set-based writer. Everything else (upload, COPY,
 * checkpoints, resume, cancel, error report, progress) is ImportJobs'.
 */
export interface ImportKind<M extends ImportMapping = ImportMapping> {
  /** Stored in imports.kind and import_mappings.kind, so several kinds share the tables of a service. */
  kind: string;
  /** The durable job's name (pg-boss). */
  job: string;
  /** The staging table and its columns after `import_id, row_no`, in the order a staged line has them. */
  stagedTable: string;
  stagedColumns: string;
  /** Further tables with the import's rows (by import_id), emptied with the staging table when it ends. */
  workTables?: string[];
  /** The staged line's tail for a refused row. */
  refusedRow: string;
  /** Units a batch takes (IMPORT_BATCH_ROWS for rows). */
  batchUnits(): number;
  checkMapping(mapping: M): FieldProblem[];
  preparer(mapping: M): Promise<ImportRowPreparer>;
  /**
   * After the file is staged and before the job is queued (its own transaction): lets a kind group
   * rows into units (the lines of an order) and refuse what only the whole file shows. Returns the
   * number of units and the rows it already counted as read and failed. Without it a unit is a row.
   */
  afterStaging?(m: EntityManager, importId: string, rows: number, mapping: M): Promise<AfterStaging>;
  writeBatch(m: EntityManager, batch: ImportBatch<M>): Promise<ImportBatchResult>;
  errors: { notFound(id: string): Error; tooLarge(maxBytes: number): Error; mappingNotFound(id: string): Error };
}

export interface AfterStaging {
  units: number;
  read: number;
  failed: number;
  errors: (ImportProblem & { row: number })[];
}

export interface UploadOptions<M extends ImportMapping> {
  mapping: M;
  dryRun: boolean;
  onMatch: OnMatch;
  delimiter?: string;
  maxBytes: number;
  by: string;
}

/** How often running imports whose worker died are looked for (IMPORT_RESUME_MS, default 3 s). */
const resumeEveryMs = () => Math.max(200, Number(process.env['IMPORT_RESUME_MS'] ?? 3000));
/** Failed attempts at one batch before the import is failed. */
const MAX_ATTEMPTS = 5;
/** Refused rows recorded per statement while the file streams in. */
const ERROR_FLUSH = 1000;

interface ImportRow {
  status: string;
  next_row: number;
  units_total: number | null;
  rows_total: number;
  dry_run: boolean;
  on_match: OnMatch;
  mapping: ImportMapping;
  requested_by: string;
}

/**
 * A CSV import as a durable job, over a service's `imports`, `import_errors`
 * and `import_mappings` tables (importTablesSql) and a staging table per kind.
 *
 * The upload streams the file (UTF-8 with or without BOM; `,` `;` or tab,
 * detected from the header line unless given; quoted fields; CRLF) through
 * the kind's checks into its staging table with one COPY, then queues the
 * job. The job writes units in batches, each with its checkpoint in one
 * transaction, while its worker holds the import's advisory lock: a worker
 * killed mid-batch loses that batch's transaction only, and another worker
 * (pg-boss after expiry, or the resumer within IMPORT_RESUME_MS) continues
 * from the last commit, so no row is written twice and none is skipped.
 */
export class ImportJobs<M extends ImportMapping = ImportMapping> {
  private readonly logger: Logger;
  private readonly running = new Map<string, Promise<void>>();
  private resumer?: NodeJS.Timeout;
  private stopping = false;

  constructor(
    private readonly dataSource: DataSource,
    private readonly jobs: JobRunner,
    private readonly kind: ImportKind<M>,
  ) {
    this.logger = new Logger(`Imports(${kind.kind})`);
  }

  /** Call from onModuleInit: registers the job. */
  register(): void {
    this.jobs.register<{ importId: string }>({
      name: this.kind.job,
      handler: ({ importId }) => this.run(importId),
      retryLimit: 5,
      expireInSeconds: 3600,
    });
  }

  /** Call from onApplicationBootstrap: takes up running imports whose worker died. */
  start(): void {
    this.resumer = setInterval(() => void this.resumeOrphans(), resumeEveryMs());
    this.resumer.unref();
  }

  /** Call from onModuleDestroy: the batch in progress commits, the next waits for another worker. */
  async stop(): Promise<void> {
    this.stopping = true;
    clearInterval(this.resumer);
    await Promise.allSettled([...this.running.values()]);
  }

  private async resumeOrphans(): Promise<void> {
    if (this.stopping || !this.jobs.started || !this.dataSource.isInitialized) return;
    try {
      const rows: { id: string }[] = await this.dataSource.query(
        `SELECT id FROM imports WHERE status = 'running' AND kind = $1 ORDER BY created_at LIMIT 20`,
        [this.kind.kind],
      );
      for (const r of rows) if (!this.running.has(r.id)) void this.run(r.id).catch(() => undefined);
    } catch (error) {
      this.logger.warn(`looking for imports to resume failed: ${(error as Error).message}`);
    }
  }

  async saveMapping(name: string, mapping: M): Promise<{ id: string; name: string } & M> {
    const problems = this.kind.checkMapping(mapping);
    if (problems.length) throw validationFailed(problems);
    const { columns, ...options } = mapping;
    const rows: { id: string }[] = await this.dataSource.query(
      `INSERT INTO import_mappings (id, kind, name, columns, options) VALUES ($1, $2, $3, $4, $5)
       ON CONFLICT (kind, name) DO UPDATE SET columns = EXCLUDED.columns, options = EXCLUDED.options RETURNING id`,
      [uuidv7(), this.kind.kind, name, JSON.stringify(columns), JSON.stringify(options)],
    );
    return { id: rows[0].id, name, ...mapping };
  }

  async mapping(id: string): Promise<M> {
    const rows: { columns: Record<string, string>; options: Record<string, unknown> }[] = await this.dataSource.query(
      `SELECT columns, options FROM import_mappings WHERE id = $1 AND kind = $2`,
      [id, this.kind.kind],
    );
    if (!rows.length) throw this.kind.errors.mappingNotFound(id);
    return { ...rows[0].options, columns: rows[0].columns } as M;
  }

  async upload(body: Readable, o: UploadOptions<M>): Promise<ImportStatus> {
    const id = uuidv7();
    await this.dataSource.query(
      `INSERT INTO imports (id, kind, status, dry_run, on_match, mapping, requested_by)
       VALUES ($1, $2, 'staging', $3, $4, $5, $6)`,
      [id, this.kind.kind, o.dryRun, o.onMatch, JSON.stringify(o.mapping), o.by],
    );
    try {
      const total = await this.stage(id, body, o);
      await inTransaction(this.dataSource, async (m) => {
        const after = this.kind.afterStaging
          ? await this.kind.afterStaging(m, id, total, o.mapping)
          : { units: total, read: 0, failed: 0, errors: [] };
        await recordErrors(m, id, after.errors);
        await m.query(
          `UPDATE imports SET status = 'queued', rows_total = $2, units_total = $3, rows_read = $4, failed = $5,
                  updated_at = now() WHERE id = $1`,
          [id, total, after.units, after.read, after.failed],
        );
        await this.jobs.send(this.kind.job, { importId: id }, { singletonKey: id }, m);
      });
    } catch (error) {
      await this.dropStaged(id);
      await this.dataSource.query(`DELETE FROM imports WHERE id = $1`, [id]);
      throw error;
    }
    return this.status(id);
  }

  private async stage(id: string, body: Readable, o: UploadOptions<M>): Promise<number> {
    const { maxBytes } = o;
    const chunks = body[Symbol.asyncIterator]() as AsyncIterator<Buffer>;
    const tooLarge = () => this.kind.errors.tooLarge(maxBytes);
    // The header line decides the delimiter (unless given): read up to it, then parse with that one.
    let head = Buffer.alloc(0);
    while (!head.includes(10) && head.length < 65536) {
      const next = await chunks.next();
      if (next.done) break;
      head = Buffer.concat([head, next.value]);
    }
    let bytes = head.length;
    if (bytes > maxBytes) throw tooLarge();
    const delimiter =
      o.delimiter ??
      sniffDelimiter(
        head
          .toString('utf8')
          .replace(/^\uFEFF/, '')
          .split(/\r?\n/)[0],
      );
    const preparer = await this.kind.preparer(o.mapping);
    let row = 0;
    let errors: (ImportProblem & { row: number })[] = [];
    const flushErrors = async () => {
      if (!errors.length) return;
      const batch = errors;
      errors = [];
      await recordErrors(this.dataSource.manager, id, batch);
    };
    const reader = new CsvReader(delimiter);
    const refused = this.kind.refusedRow;
    let names: string[] | undefined;
    const records = async function* (): AsyncGenerator<string[][]> {
      yield reader.push(head);
      for (;;) {
        const next = await chunks.next();
        if (next.done) break;
        bytes += next.value.length;
        if (bytes > maxBytes) throw tooLarge();
        yield reader.push(next.value);
      }
      yield reader.end();
    };
    async function* lines(): AsyncGenerator<string> {
      let out = '';
      for await (const batch of records()) {
        for (const fields of batch) {
          if (!names) {
            names = fields.map((h) => h.trim());
            continue;
          }
          const record: Record<string, string> = {};
          for (let k = 0; k < names.length && k < fields.length; k++) record[names[k]] = fields[k];
          row += 1;
          const { staged, problems } = await preparer.prepare(record);
          if (problems.length) {
            const seen = new Set<string>();
            for (const p of problems) {
              if (seen.has(p.column)) continue;
              seen.add(p.column);
              errors.push({ ...p, row });
            }
            if (errors.length >= ERROR_FLUSH) await flushErrors();
          }
          out += `${id}\t${row}\t${staged ?? refused}\n`;
          if (out.length >= 65536) {
            yield out;
            out = '';
          }
        }
      }
      if (out) yield out;
    }
    const qr = this.dataSource.createQueryRunner();
    try {
      const client = (await qr.connect()) as PoolClient;
      await pipeline(
        Readable.from(lines()),
        client.query(
          copyFrom(`COPY ${this.kind.stagedTable} (import_id, row_no, ${this.kind.stagedColumns}) FROM STDIN`),
        ),
      );
      await flushErrors();
    } catch (error) {
      if (error instanceof DomainError) throw error;
      if ((error as { code?: string }).code) throw error;
      throw validationFailed([{ field: 'file', message: `is not readable CSV: ${(error as Error).message}` }]);
    } finally {
      await qr.release();
    }
    if (row === 0) throw validationFailed([{ field: 'file', message: 'has no rows under its header' }]);
    return row;
  }

  async status(id: string): Promise<ImportStatus> {
    const rows: Record<string, unknown>[] = await this.dataSource.query(
      `SELECT * FROM imports WHERE id = $1 AND kind = $2`,
      [id, this.kind.kind],
    );
    if (!rows.length || rows[0]['status'] === 'staging') throw this.kind.errors.notFound(id);
    const r = rows[0] as {
      id: string;
      status: ImportState;
      dry_run: boolean;
      on_match: OnMatch;
      rows_total: number;
      rows_read: number;
      valid: number;
      written: number;
      updated: number;
      skipped: number;
      failed: number;
      created_at: Date;
      started_at: Date | null;
      finished_at: Date | null;
    };
    const seconds = r.started_at ? ((r.finished_at ?? new Date()).getTime() - r.started_at.getTime()) / 1000 : 0;
    const rate = seconds > 0 ? r.rows_read / seconds : null;
    return {
      id: r.id,
      status: r.status,
      dryRun: r.dry_run,
      onMatch: r.on_match,
      rowsTotal: r.rows_total,
      rowsRead: r.rows_read,
      valid: r.valid,
      written: r.written,
      updated: r.updated,
      skipped: r.skipped,
      failed: r.failed,
      ratePerSecond: rate === null ? null : Math.round(rate),
      etaSeconds: r.finished_at ? 0 : !rate ? null : Math.ceil((r.rows_total - r.rows_read) / rate),
      createdAt: r.created_at.toISOString(),
      startedAt: r.started_at?.toISOString() ?? null,
      finishedAt: r.finished_at?.toISOString() ?? null,
    };
  }

  async cancel(id: string): Promise<ImportStatus> {
    await this.status(id);
    const cancelled = await queryReturning<{ id: string }>(
      this.dataSource,
      `UPDATE imports SET status = 'cancelled', finished_at = now(), updated_at = now()
        WHERE id = $1 AND status IN ('queued', 'running') RETURNING id`,
      [id],
    );
    if (cancelled.length) await this.dropStaged(id);
    return this.status(id);
  }

  /** The refused rows as CSV: row, column, value, message (the API's own message). */
  async *errorReport(id: string): AsyncGenerator<string> {
    await this.status(id);
    yield 'row,column,value,message\r\n';
    let after = 0;
    for (;;) {
      const rows: { row_no: number; column_name: string; value: string | null; message: string }[] =
        await this.dataSource.query(
          `SELECT row_no, column_name, value, message FROM import_errors WHERE import_id = $1 AND row_no > $2
            ORDER BY row_no, column_name LIMIT 1000`,
          [id, after],
        );
      if (!rows.length) return;
      // Whole rows per page: the last row's problems all come in the next page if it was cut.
      const last = rows[rows.length - 1].row_no;
      const page = rows.length === 1000 ? rows.filter((r) => r.row_no < last) : rows;
      for (const r of page) yield [r.row_no, r.column_name, r.value ?? '', r.message].map(csvCell).join(',') + '\r\n';
      after = rows.length === 1000 ? last - 1 : last;
      if (rows.length < 1000) return;
    }
  }

  /** Server-sent events: `event: progress` with the status every half second until the import ends. */
  async *progress(id: string, open: () => boolean): AsyncGenerator<string> {
    while (open()) {
      const s = await this.status(id);
      yield `event: progress\ndata: ${JSON.stringify(s)}\n\n`;
      if (['completed', 'cancelled', 'failed'].includes(s.status)) return;
      await new Promise((r) => setTimeout(r, 500));
    }
  }

  /** The job: batches of units, each with its checkpoint, while this worker holds the import's advisory lock. */
  run(id: string): Promise<void> {
    const known = this.running.get(id);
    if (known) return known;
    const work = this.work(id).finally(() => this.running.delete(id));
    this.running.set(id, work);
    return work;
  }

  private async work(id: string): Promise<void> {
    const lock = this.dataSource.createQueryRunner();
    const key = `${this.kind.job}:${id}`;
    let locked = false;
    try {
      await lock.connect();
      const got: { ok: boolean }[] = await lock.query(`SELECT pg_try_advisory_lock(hashtextextended($1, 0)) AS ok`, [
        key,
      ]);
      locked = got[0].ok;
      if (!locked) return;
      await this.dataSource.query(
        `UPDATE imports SET status = 'running', started_at = COALESCE(started_at, now()), updated_at = now()
          WHERE id = $1 AND status = 'queued'`,
        [id],
      );
      for (;;) {
        if (this.stopping) return;
        const step = await this.step(id);
        if (step === 'more') continue;
        if (step === 'finished') await this.dropStaged(id);
        return;
      }
    } finally {
      if (locked) await lock.query(`SELECT pg_advisory_unlock(hashtextextended($1, 0))`, [key]).catch(() => undefined);
      await lock.release();
    }
  }

  /** One batch; a unique violation (a record created meanwhile with the same key) is tried again. */
  private async step(id: string): Promise<'more' | 'finished' | 'stopped'> {
    for (let attempt = 1; ; attempt++) {
      try {
        const wroteEvents = { value: false };
        const step = await inTransaction(this.dataSource, (m) => this.batch(m, id, wroteEvents));
        if (wroteEvents.value) await this.dataSource.query(`SELECT pg_notify($1, '')`, [OUTBOX_CHANNEL]);
        return step;
      } catch (error) {
        if ((error as { code?: string }).code === '23505' && attempt < 3) continue;
        const failed = await queryReturning<{ attempts: number }>(
          this.dataSource,
          `UPDATE imports SET attempts = attempts + 1, last_error = $2, updated_at = now(),
                  status = CASE WHEN attempts + 1 >= $3 THEN 'failed' ELSE status END,
                  finished_at = CASE WHEN attempts + 1 >= $3 THEN now() ELSE finished_at END
            WHERE id = $1 RETURNING attempts`,
          [id, (error as Error).message.slice(0, 500), MAX_ATTEMPTS],
        );
        this.logger.error(`import ${id}: batch failed (attempt ${failed[0]?.attempts}): ${(error as Error).message}`);
        if ((failed[0]?.attempts ?? MAX_ATTEMPTS) >= MAX_ATTEMPTS) {
          await this.dropStaged(id);
          return 'stopped';
        }
        throw error;
      }
    }
  }

  private async batch(
    m: EntityManager,
    id: string,
    wroteEvents: { value: boolean },
  ): Promise<'more' | 'finished' | 'stopped'> {
    const imports: ImportRow[] = await m.query(
      `SELECT status, next_row, units_total, rows_total, dry_run, on_match, mapping, requested_by
         FROM imports WHERE id = $1 FOR UPDATE`,
      [id],
    );
    const imp = imports[0];
    if (!imp || imp.status !== 'running') return 'stopped';
    const units = imp.units_total ?? imp.rows_total;
    if (imp.next_row > units) {
      await m.query(`UPDATE imports SET status = 'completed', finished_at = now(), updated_at = now() WHERE id = $1`, [
        id,
      ]);
      return 'finished';
    }
    const to = Math.min(imp.next_row + this.kind.batchUnits(), units + 1);
    const r = await this.kind.writeBatch(m, {
      importId: id,
      from: imp.next_row,
      to,
      mapping: imp.mapping as M,
      onMatch: imp.on_match,
      dryRun: imp.dry_run,
      requestedBy: imp.requested_by,
      headers: JSON.stringify(currentTraceHeaders()),
    });
    if (r.missing) {
      // The staged rows are gone (the import was cancelled, or its rows were removed): stop, do not skip them.
      throw new Error(`import ${id}: ${r.missing} staged units missing from ${imp.next_row}`);
    }
    await recordErrors(m, id, r.errors);
    await m.query(
      `UPDATE imports SET next_row = $2, rows_read = rows_read + $3, valid = valid + $4, written = written + $5,
              updated = updated + $6, skipped = skipped + $7, failed = failed + $8, updated_at = now() WHERE id = $1`,
      [id, to, r.read, r.valid, r.written, r.updated, r.skipped, r.failed],
    );
    wroteEvents.value = !imp.dry_run && r.written + r.updated > 0;
    return 'more';
  }

  /** The staged rows hold personal data: they go once the import has ended. */
  private async dropStaged(id: string): Promise<void> {
    for (const table of [this.kind.stagedTable, ...(this.kind.workTables ?? [])])
      await this.dataSource
        .query(`DELETE FROM ${table} WHERE import_id = $1`, [id])
        .catch((error: Error) => this.logger.warn(`import ${id}: staged rows not removed: ${error.message}`));
  }
}

/** Refused rows into the error report (the first problem per row and column stays). */
export async function recordErrors(
  m: EntityManager,
  importId: string,
  errors: (ImportProblem & { row: number })[],
): Promise<void> {
  if (!errors.length) return;
  await m.query(
    `INSERT INTO import_errors (import_id, row_no, column_name, value, message)
     SELECT $1, r, c, v, msg FROM unnest($2::int[], $3::text[], $4::text[], $5::text[]) AS x(r, c, v, msg)
     ON CONFLICT DO NOTHING`,
    [
      importId,
      errors.map((e) => e.row),
      errors.map((e) => e.column),
      errors.map((e) => e.value),
      errors.map((e) => e.message),
    ],
  );
}
