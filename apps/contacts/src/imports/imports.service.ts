import {
  Injectable,
  Logger,
  type OnApplicationBootstrap,
  type OnModuleDestroy,
  type OnModuleInit,
} from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import { Readable } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import { from as copyFrom } from 'pg-copy-streams';
import type { PoolClient } from 'pg';
import type { DataSource, EntityManager } from 'typeorm';
import { JobRunner } from '@crm/jobs';
import { currentTraceHeaders, OUTBOX_CHANNEL } from '@crm/messaging';
import { inTransaction, uuidv7 } from '@crm/persistence';
import { DomainError, validationFailed } from '@crm/platform';
import { CustomFieldsService } from '../custom-fields/custom-fields.service';
import { contactsError } from '../shared/contacts-errors';
import {
  CONSENT_COLUMN,
  CUSTOM_FIELD_COLUMN,
  IMPORT_FIELDS,
  RowPreparer,
  STAGED_COLUMNS,
  stagedLine,
  type ImportMapping,
  type Problem,
} from './import-rows';
import { CsvReader } from './csv-reader';
import { writeBatch } from './import-writer';

export { IMPORT_FIELDS, type ImportMapping } from './import-rows';

export interface ImportStatus {
  id: string;
  status: 'queued' | 'running' | 'completed' | 'cancelled' | 'failed';
  dryRun: boolean;
  onMatch: 'skip' | 'update';
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

const JOB = 'contacts-import';
/** Staged rows written per transaction (the checkpoint): IMPORT_BATCH_ROWS, default 20,000. */
const batchRows = () => Math.max(1, Number(process.env['IMPORT_BATCH_ROWS'] ?? 20_000));
/** How often running imports whose worker died are looked for (IMPORT_RESUME_MS, default 3 s). */
const RESUME_EVERY_MS = Math.max(200, Number(process.env['IMPORT_RESUME_MS'] ?? 3000));
/** Failed attempts at one batch before the import is failed. */
const MAX_ATTEMPTS = 5;
/** Refused rows recorded per statement while the file streams in. */
const ERROR_FLUSH = 1000;

interface ImportRow {
  status: string;
  next_row: number;
  rows_total: number;
  dry_run: boolean;
  on_match: 'skip' | 'update';
  mapping: ImportMapping;
  requested_by: string;
}

@Injectable()
export class ImportsService implements OnModuleInit, OnApplicationBootstrap, OnModuleDestroy {
  private readonly logger = new Logger('Imports');
  /** Imports this process is writing, and the promise of each. */
  private readonly running = new Map<string, Promise<void>>();
  private resumer?: NodeJS.Timeout;
  private stopping = false;

  constructor(
    @InjectDataSource() private readonly dataSource: DataSource,
    private readonly jobs: JobRunner,
    private readonly customFields: CustomFieldsService,
  ) {}

  onModuleInit(): void {
    // Idempotent: every batch commits its rows with the checkpoint, so a job run again (by pg-boss once
    // the dead worker's job expired, or by the resumer below) continues where the last commit left off.
    this.jobs.register<{ importId: string }>({
      name: JOB,
      handler: ({ importId }) => this.run(importId),
      retryLimit: 5,
      expireInSeconds: 3600,
    });
  }

  /**
   * A worker holds an advisory lock on its import while it writes; a running import whose lock is free
   * lost its worker (process killed) and is taken up again here within RESUME_EVERY_MS.
   */
  onApplicationBootstrap(): void {
    this.resumer = setInterval(() => void this.resumeOrphans(), RESUME_EVERY_MS);
    this.resumer.unref();
  }

  async onModuleDestroy(): Promise<void> {
    this.stopping = true;
    clearInterval(this.resumer);
    await Promise.allSettled([...this.running.values()]);
  }

  private async resumeOrphans(): Promise<void> {
    if (this.stopping || !this.jobs.started || !this.dataSource.isInitialized) return;
    try {
      const rows: { id: string }[] = await this.dataSource.query(
        `SELECT id FROM imports WHERE status = 'running' ORDER BY created_at LIMIT 20`,
      );
      for (const r of rows) if (!this.running.has(r.id)) void this.run(r.id).catch(() => undefined);
    } catch (error) {
      this.logger.warn(`looking for imports to resume failed: ${(error as Error).message}`);
    }
  }

  async saveMapping(name: string, mapping: ImportMapping): Promise<{ id: string; name: string } & ImportMapping> {
    checkMapping(mapping);
    const id = uuidv7();
    const rows: { id: string }[] = await this.dataSource.query(
      `INSERT INTO import_mappings (id, name, columns, options) VALUES ($1, $2, $3, $4)
       ON CONFLICT (name) DO UPDATE SET columns = EXCLUDED.columns, options = EXCLUDED.options RETURNING id`,
      [
        id,
        name,
        JSON.stringify(mapping.columns),
        JSON.stringify({
          externalSource: mapping.externalSource,
          tagSeparator: mapping.tagSeparator,
          consentSource: mapping.consentSource,
        }),
      ],
    );
    return { id: rows[0].id, name, ...mapping };
  }

  async mapping(id: string): Promise<ImportMapping> {
    const rows: { columns: Record<string, string>; options: Omit<ImportMapping, 'columns'> }[] =
      await this.dataSource.query(`SELECT columns, options FROM import_mappings WHERE id = $1`, [id]);
    if (!rows.length) throw validationFailed([{ field: 'mappingId', message: `no import mapping ${id}` }]);
    return { columns: rows[0].columns, ...rows[0].options };
  }

  /**
   * Streams the CSV (UTF-8 with or without BOM; `,` `;` or tab, detected from the header line unless
   * given; quoted fields; CRLF) through the API's checks into import_staged with one COPY, then queues
   * the job. Nothing of the file is held in memory beyond the parser's buffer and one COPY chunk.
   */
  async upload(
    body: Readable,
    o: {
      mapping: ImportMapping;
      dryRun: boolean;
      onMatch: 'skip' | 'update';
      delimiter?: string;
      maxBytes: number;
      by: string;
    },
  ): Promise<ImportStatus> {
    const id = uuidv7();
    await this.dataSource.query(
      `INSERT INTO imports (id, status, dry_run, on_match, mapping, requested_by) VALUES ($1, 'staging', $2, $3, $4, $5)`,
      [id, o.dryRun, o.onMatch, JSON.stringify(o.mapping), o.by],
    );
    try {
      const total = await this.stage(id, body, o);
      await inTransaction(this.dataSource, async (m) => {
        await m.query(`UPDATE imports SET status = 'queued', rows_total = $2, updated_at = now() WHERE id = $1`, [
          id,
          total,
        ]);
        await this.jobs.send(JOB, { importId: id }, { singletonKey: id }, m);
      });
    } catch (error) {
      await this.dataSource.query(`DELETE FROM import_staged WHERE import_id = $1`, [id]).catch(() => undefined);
      await this.dataSource.query(`DELETE FROM imports WHERE id = $1`, [id]);
      throw error;
    }
    return this.status(id);
  }

  private async stage(
    id: string,
    body: Readable,
    o: { mapping: ImportMapping; delimiter?: string; maxBytes: number },
  ): Promise<number> {
    const { maxBytes } = o;
    const chunks = body[Symbol.asyncIterator]() as AsyncIterator<Buffer>;
    let bytes = 0;
    const tooLarge = () => contactsError('IMPORT_TOO_LARGE', `The file is over ${maxBytes} bytes`);
    // The header line decides the delimiter (unless given): read up to it, then parse with that one.
    let head = Buffer.alloc(0);
    while (!head.includes(10) && head.length < 65536) {
      const next = await chunks.next();
      if (next.done) break;
      head = Buffer.concat([head, next.value]);
    }
    bytes = head.length;
    if (bytes > maxBytes) throw tooLarge();
    const detected =
      o.delimiter ??
      sniff(
        head
          .toString('utf8')
          .replace(/^\uFEFF/, '')
          .split(/\r?\n/)[0],
      );
    const preparer = new RowPreparer(o.mapping, await this.customFields.definitions());
    let row = 0;
    let errors: (Problem & { row: number })[] = [];
    const flushErrors = async () => {
      if (!errors.length) return;
      const batch = errors;
      errors = [];
      await this.dataSource.query(
        `INSERT INTO import_errors (import_id, row_no, column_name, value, message)
         SELECT $1, r, c, v, msg FROM unnest($2::int[], $3::text[], $4::text[], $5::text[]) AS x(r, c, v, msg)
         ON CONFLICT DO NOTHING`,
        [
          id,
          batch.map((e) => e.row),
          batch.map((e) => e.column),
          batch.map((e) => e.value),
          batch.map((e) => e.message),
        ],
      );
    };
    const reader = new CsvReader(detected);
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
          const { row: staged, problems } = await preparer.prepare(record);
          if (problems.length) {
            const seen = new Set<string>();
            for (const p of problems) {
              if (seen.has(p.column)) continue;
              seen.add(p.column);
              errors.push({ ...p, row });
            }
            if (errors.length >= ERROR_FLUSH) await flushErrors();
          }
          out += stagedLine(id, row, staged);
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
        client.query(copyFrom(`COPY import_staged (${STAGED_COLUMNS}) FROM STDIN`)),
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
    const rows: Record<string, unknown>[] = await this.dataSource.query(`SELECT * FROM imports WHERE id = $1`, [id]);
    if (!rows.length || rows[0]['status'] === 'staging') throw contactsError('IMPORT_NOT_FOUND', `No import ${id}`);
    const r = rows[0] as {
      id: string;
      status: ImportStatus['status'];
      dry_run: boolean;
      on_match: 'skip' | 'update';
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
      etaSeconds: r.finished_at || !rate ? (r.finished_at ? 0 : null) : Math.ceil((r.rows_total - r.rows_read) / rate),
      createdAt: r.created_at.toISOString(),
      startedAt: r.started_at?.toISOString() ?? null,
      finishedAt: r.finished_at?.toISOString() ?? null,
    };
  }

  async cancel(id: string): Promise<ImportStatus> {
    await this.status(id);
    const cancelled: unknown[] = await this.dataSource.query(
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

  /**
   * The job: batches of staged rows, each written with its checkpoint in one transaction, while this
   * worker holds the import's advisory lock (a second worker, or the resumer, finds it taken and leaves).
   */
  run(id: string): Promise<void> {
    const known = this.running.get(id);
    if (known) return known;
    const work = this.work(id).finally(() => this.running.delete(id));
    this.running.set(id, work);
    return work;
  }

  private async work(id: string): Promise<void> {
    const lock = this.dataSource.createQueryRunner();
    const key = `contacts-import:${id}`;
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

  /** One batch; a unique violation (a contact created meanwhile with the same email) is tried again. */
  private async step(id: string): Promise<'more' | 'finished' | 'stopped'> {
    for (let attempt = 1; ; attempt++) {
      try {
        const wroteEvents = { value: false };
        const step = await inTransaction(this.dataSource, (m) => this.batch(m, id, wroteEvents));
        if (wroteEvents.value) await this.dataSource.query(`SELECT pg_notify($1, '')`, [OUTBOX_CHANNEL]);
        return step;
      } catch (error) {
        if ((error as { code?: string }).code === '23505' && attempt < 3) continue;
        const failed: { attempts: number }[] = await this.dataSource.query(
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
      `SELECT status, next_row, rows_total, dry_run, on_match, mapping, requested_by FROM imports WHERE id = $1 FOR UPDATE`,
      [id],
    );
    const imp = imports[0];
    if (!imp || imp.status !== 'running') return 'stopped';
    if (imp.next_row > imp.rows_total) {
      await m.query(`UPDATE imports SET status = 'completed', finished_at = now(), updated_at = now() WHERE id = $1`, [
        id,
      ]);
      return 'finished';
    }
    const to = Math.min(imp.next_row + batchRows(), imp.rows_total + 1);
    const r = await writeBatch(m, {
      importId: id,
      from: imp.next_row,
      to,
      externalSource: imp.mapping.externalSource ?? 'import',
      consentSource: imp.mapping.consentSource ?? 'import',
      onMatch: imp.on_match,
      dryRun: imp.dry_run,
      requestedBy: imp.requested_by,
      headers: JSON.stringify(currentTraceHeaders()),
    });
    if (r.read !== to - imp.next_row) {
      // The staged rows are gone (the import was cancelled, or its rows were removed): stop, do not skip them.
      throw new Error(`import ${id}: ${to - imp.next_row - r.read} staged rows missing from ${imp.next_row}`);
    }
    if (r.clashes.length) {
      const column = header(imp.mapping, 'email');
      await m.query(
        `INSERT INTO import_errors (import_id, row_no, column_name, value, message)
         SELECT $1, r, $2, v, v || ' already belongs to another contact' FROM unnest($3::int[], $4::text[]) AS x(r, v)
         ON CONFLICT DO NOTHING`,
        [id, column, r.clashes.map((c) => c.row), r.clashes.map((c) => c.email)],
      );
    }
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
    await this.dataSource
      .query(`DELETE FROM import_staged WHERE import_id = $1`, [id])
      .catch((error: Error) => this.logger.warn(`import ${id}: staged rows not removed: ${error.message}`));
  }
}

function checkMapping(mapping: ImportMapping): void {
  const problems = Object.entries(mapping.columns ?? {})
    .filter(
      ([, f]) =>
        !(IMPORT_FIELDS as readonly string[]).includes(f) && !CUSTOM_FIELD_COLUMN.test(f) && !CONSENT_COLUMN.test(f),
    )
    .map(([col, f]) => ({ field: `columns.${col}`, message: `"${f}" is not a field an import can fill` }));
  const fields = Object.values(mapping.columns ?? {});
  if (fields.length > 500) problems.push({ field: 'columns', message: 'maps at most 500 columns' });
  for (const required of ['firstName', 'lastName'])
    if (!fields.includes(required)) problems.push({ field: 'columns', message: `no column is mapped to ${required}` });
  if (problems.length) throw validationFailed(problems);
}

function header(mapping: ImportMapping, field: string): string {
  return Object.entries(mapping.columns).find(([, f]) => f === field)?.[0] ?? field;
}

/** The delimiter of a header line: the most frequent of `,` `;` and tab outside quotes. */
export function sniff(line: string): string {
  const outside = line.replace(/"[^"]*"/g, '');
  const counts = [',', ';', '\t'].map((d) => [d, outside.split(d).length - 1] as const);
  return counts.sort((a, b) => b[1] - a[1])[0][1] > 0 ? counts[0][0] : ',';
}

function csvCell(v: string | number): string {
  const s = String(v);
  return /[",\r\n]/.test(s) ? `"${s.replace(/"/g, '""')}"` : s;
}
