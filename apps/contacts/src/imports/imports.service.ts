import { Injectable, type OnModuleInit } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import { plainToInstance } from 'class-transformer';
import { validate, type ValidationError } from 'class-validator';
import { parse } from 'csv-parse';
import type { Readable } from 'node:stream';
import type { DataSource, EntityManager } from 'typeorm';
import { CONTACTS_EVENTS } from '@crm/contracts';
import { JobRunner } from '@crm/jobs';
import { EventPublisher } from '@crm/messaging';
import { inTransaction, uuidv7 } from '@crm/persistence';
import { DomainError, unstorableText, validationFailed } from '@crm/platform';
import { CustomFieldsService } from '../custom-fields/custom-fields.service';
import { PERSON_IDS, prepareExternalIds, replaceExternalIds } from '../external-ids/external-ids';
import { insertEmails, insertPhones, prepareEmails, preparePhones } from '../people/contact-points';
import { CreatePersonDto } from '../people/dto/person.dto';
import { PeopleService } from '../people/people.service';
import { toPayload, toView } from '../people/person-view';
import type { Person } from '../people/person.entity';
import { contactsError } from '../shared/contacts-errors';
import { searchText } from '../shared/normalise';

/** Fields a CSV column can be mapped to; `cf.<key>` maps to a custom field. */
export const IMPORT_FIELDS = [
  'firstName',
  'lastName',
  'email',
  'phone',
  'country',
  'region',
  'city',
  'locale',
  'occupation',
  'birthDate',
  'lifecycleStage',
  'ownerId',
  'tags',
  'externalId',
  'sourceChannel',
  'sourceCampaign',
  'utmSource',
  'utmMedium',
  'utmCampaign',
] as const;

export interface ImportMapping {
  /** CSV header -> field (one of IMPORT_FIELDS or `cf.<key>`). */
  columns: Record<string, string>;
  /** Source system of the `externalId` column (default `import`). */
  externalSource?: string;
  /** Separator of several tags in one cell (default `|`). */
  tagSeparator?: string;
}

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
/** Rows staged per statement while the file streams in, and rows written per transaction (the checkpoint). */
const STAGE_BATCH = 2000;
const WRITE_BATCH = 500;

interface Problem {
  column: string;
  value: string | null;
  message: string;
}

@Injectable()
export class ImportsService implements OnModuleInit {
  constructor(
    @InjectDataSource() private readonly dataSource: DataSource,
    private readonly jobs: JobRunner,
    private readonly events: EventPublisher,
    private readonly people: PeopleService,
    private readonly customFields: CustomFieldsService,
  ) {}

  onModuleInit(): void {
    // Idempotent: every batch commits its rows with the checkpoint, so a job run again (after a crash,
    // or by pg-boss once the dead worker's job expired) continues where the last commit left off.
    this.jobs.register<{ importId: string }>({
      name: JOB,
      handler: ({ importId }) => this.run(importId),
      retryLimit: 5,
      expireInSeconds: 600,
    });
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
        JSON.stringify({ externalSource: mapping.externalSource, tagSeparator: mapping.tagSeparator }),
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
   * Streams the CSV into import_rows (UTF-8 with or without BOM; `,` `;` or tab, detected from the header
   * line unless given; quoted fields; CRLF), then queues the job. Nothing of the file is held in memory
   * beyond one batch.
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
      const total = await this.stage(id, body, o.delimiter, o.maxBytes);
      await inTransaction(this.dataSource, async (m) => {
        await m.query(`UPDATE imports SET status = 'queued', rows_total = $2, updated_at = now() WHERE id = $1`, [
          id,
          total,
        ]);
        await this.jobs.send(JOB, { importId: id }, { singletonKey: id }, m);
      });
    } catch (error) {
      await this.dataSource.query(`DELETE FROM imports WHERE id = $1`, [id]);
      throw error;
    }
    return this.status(id);
  }

  private async stage(id: string, body: Readable, delimiter: string | undefined, maxBytes: number): Promise<number> {
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
      delimiter ??
      sniff(
        head
          .toString('utf8')
          .replace(/^\uFEFF/, '')
          .split(/\r?\n/)[0],
      );
    const parser = parse({
      bom: true,
      columns: (header: string[]) => header.map((h) => h.trim()),
      relax_column_count: true,
      skip_empty_lines: true,
      trim: true,
      delimiter: detected,
    });
    const feed = async () => {
      if (!parser.write(head)) await new Promise((r) => parser.once('drain', r));
      for (;;) {
        const next = await chunks.next();
        if (next.done) break;
        bytes += next.value.length;
        if (bytes > maxBytes) throw tooLarge();
        if (!parser.write(next.value)) await new Promise((r) => parser.once('drain', r));
      }
      parser.end();
    };
    let fed: unknown;
    feed().catch((error: unknown) => {
      fed = error;
      parser.destroy(error instanceof Error ? error : new Error(String(error)));
    });
    let batch: { row: number; data: Record<string, string> }[] = [];
    let row = 0;
    const flush = async () => {
      if (!batch.length) return;
      await this.dataSource.query(
        `INSERT INTO import_rows (import_id, row_no, data) SELECT $1, r, d FROM unnest($2::int[], $3::jsonb[]) AS x(r, d)`,
        [id, batch.map((b) => b.row), batch.map((b) => JSON.stringify(b.data))],
      );
      batch = [];
    };
    try {
      for await (const record of parser as AsyncIterable<Record<string, string>>) {
        row += 1;
        batch.push({ row, data: record });
        if (batch.length >= STAGE_BATCH) await flush();
      }
      await flush();
    } catch (error) {
      if (fed instanceof DomainError) throw fed;
      if (error instanceof DomainError) throw error;
      throw validationFailed([{ field: 'file', message: `is not readable CSV: ${(error as Error).message}` }]);
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
    await this.dataSource.query(
      `UPDATE imports SET status = 'cancelled', finished_at = now(), updated_at = now() WHERE id = $1 AND status IN ('queued', 'running')`,
      [id],
    );
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

  /** The job: batches of rows, each written with its checkpoint in one transaction. */
  async run(id: string): Promise<void> {
    await this.dataSource.query(
      `UPDATE imports SET status = 'running', started_at = COALESCE(started_at, now()), updated_at = now() WHERE id = $1 AND status = 'queued'`,
      [id],
    );
    for (;;) {
      const more = await inTransaction(this.dataSource, (m) => this.batch(m, id));
      if (!more) return;
    }
  }

  private async batch(m: EntityManager, id: string): Promise<boolean> {
    const imports: { status: string; next_row: number; dry_run: boolean; on_match: string; mapping: ImportMapping }[] =
      await m.query(`SELECT status, next_row, dry_run, on_match, mapping FROM imports WHERE id = $1 FOR UPDATE`, [id]);
    const imp = imports[0];
    if (!imp || imp.status !== 'running') return false;
    const rows: { row_no: number; data: Record<string, string> }[] = await m.query(
      `SELECT row_no, data FROM import_rows WHERE import_id = $1 AND row_no >= $2 ORDER BY row_no LIMIT ${WRITE_BATCH}`,
      [id, imp.next_row],
    );
    if (!rows.length) {
      await m.query(`UPDATE imports SET status = 'completed', finished_at = now(), updated_at = now() WHERE id = $1`, [
        id,
      ]);
      return false;
    }
    const counts = { valid: 0, written: 0, updated: 0, skipped: 0, failed: 0 };
    const errors: (Problem & { row: number })[] = [];
    const prepared: { row: number; dto: CreatePersonDto }[] = [];
    for (const r of rows) {
      const { dto, problems } = await this.prepare(m, r.data, imp.mapping);
      if (problems.length) {
        counts.failed += 1;
        errors.push(...problems.map((p) => ({ ...p, row: r.row_no })));
      } else {
        counts.valid += 1;
        prepared.push({ row: r.row_no, dto });
      }
    }
    // Matches: by external id first, then by primary email, in two indexed lookups for the batch.
    const source = imp.mapping.externalSource ?? 'import';
    const byExternal = new Map<string, string>();
    const ext = prepared.map((p) => p.dto.externalIds?.[0]?.id).filter((x): x is string => !!x);
    if (ext.length) {
      const found: { external_id: string; person_id: string }[] = await m.query(
        `SELECT external_id, person_id FROM person_external_ids WHERE active AND source = $1 AND external_id = ANY($2)`,
        [source, ext],
      );
      for (const f of found) byExternal.set(f.external_id, f.person_id);
    }
    const byEmail = new Map<string, string>();
    const emails = prepared.map((p) => p.dto.emails?.[0]?.address?.toLowerCase()).filter((x): x is string => !!x);
    if (emails.length) {
      const found: { address: string; person_id: string }[] = await m.query(
        `SELECT address, person_id FROM person_emails WHERE active AND address = ANY($1)`,
        [emails],
      );
      for (const f of found) byEmail.set(f.address, f.person_id);
    }
    for (const p of prepared) {
      const email = p.dto.emails?.[0]?.address?.toLowerCase();
      const extId = p.dto.externalIds?.[0]?.id;
      const match = (extId && byExternal.get(extId)) || (email && byEmail.get(email)) || undefined;
      const emailOwner = email ? byEmail.get(email) : undefined;
      if (match && emailOwner && emailOwner !== match) {
        // The email rule holds: a row matched to one contact cannot take another's email.
        counts.failed += 1;
        counts.valid -= 1;
        errors.push({
          row: p.row,
          column: header(imp.mapping, 'email'),
          value: email ?? null,
          message: `${email} already belongs to another contact`,
        });
        continue;
      }
      if (match) {
        if (imp.on_match === 'skip' || imp.dry_run) {
          counts.skipped += imp.on_match === 'skip' ? 1 : 0;
          counts.updated += imp.on_match === 'update' ? 1 : 0;
          continue;
        }
        await this.updateMatched(m, match, p.dto);
        counts.updated += 1;
        continue;
      }
      if (!imp.dry_run) {
        const personId = await this.insert(m, p.dto);
        if (email) byEmail.set(email, personId);
        if (extId) byExternal.set(extId, personId);
      }
      counts.written += 1;
    }
    if (errors.length) {
      await m.query(
        `INSERT INTO import_errors (import_id, row_no, column_name, value, message)
         SELECT $1, r, c, v, msg FROM unnest($2::int[], $3::text[], $4::text[], $5::text[]) AS x(r, c, v, msg)
         ON CONFLICT DO NOTHING`,
        [
          id,
          errors.map((e) => e.row),
          errors.map((e) => e.column),
          errors.map((e) => e.value),
          errors.map((e) => e.message),
        ],
      );
    }
    await m.query(
      `UPDATE imports SET next_row = $2, rows_read = rows_read + $3, valid = valid + $4, written = written + $5,
              updated = updated + $6, skipped = skipped + $7, failed = failed + $8, updated_at = now() WHERE id = $1`,
      [
        id,
        rows[rows.length - 1].row_no + 1,
        rows.length,
        counts.valid,
        counts.written,
        counts.updated,
        counts.skipped,
        counts.failed,
      ],
    );
    return true;
  }

  /** A CSV row as the CreatePersonDto the API takes, checked by the API's own validation. */
  private async prepare(
    m: EntityManager,
    data: Record<string, string>,
    mapping: ImportMapping,
  ): Promise<{ dto: CreatePersonDto; problems: Problem[] }> {
    const body: Record<string, unknown> = {};
    const source: Record<string, string> = {};
    const custom: Record<string, unknown> = {};
    const columnOf: Record<string, string> = {};
    const problems: Problem[] = [];
    for (const [col, field] of Object.entries(mapping.columns)) {
      const value = data[col];
      if (value === undefined || value === '') continue;
      const bad = unstorableText(value);
      if (bad) {
        problems.push({ column: col, value: null, message: bad });
        continue;
      }
      columnOf[field] = col;
      if (field === 'email') body['emails'] = [{ address: value }];
      else if (field === 'phone') body['phones'] = [{ number: value }];
      else if (field === 'tags')
        body['tags'] = value
          .split(mapping.tagSeparator ?? '|')
          .map((t) => t.trim())
          .filter(Boolean);
      else if (field === 'externalId')
        body['externalIds'] = [{ source: mapping.externalSource ?? 'import', id: value }];
      else if (field === 'sourceChannel') source['channel'] = value;
      else if (field === 'sourceCampaign') source['campaign'] = value;
      else if (field.startsWith('utm')) source[field] = value;
      else if (field.startsWith('cf.')) custom[field.slice(3)] = value;
      else body[field] = value;
    }
    if (Object.keys(source).length) body['source'] = source;
    if (Object.keys(custom).length) body['customFields'] = custom;
    const dto = plainToInstance(CreatePersonDto, body);
    const failures = await validate(dto, { whitelist: true, forbidNonWhitelisted: true });
    for (const f of flatten(failures)) {
      const top = f.path.split('.')[0];
      const field =
        top === 'emails'
          ? 'email'
          : top === 'phones'
            ? 'phone'
            : top === 'externalIds'
              ? 'externalId'
              : top === 'source'
                ? `source${cap(f.path.split('.')[1] ?? '')}`
                : top;
      const col = columnOf[field] ?? columnOf[top] ?? field;
      problems.push({ column: col, value: data[col] ?? null, message: f.message });
    }
    if (!problems.length) {
      try {
        preparePhones(dto.phones ?? [], dto.country);
        if (dto.customFields) await this.customFields.check(m, dto.customFields, false);
      } catch (error) {
        if (!(error instanceof DomainError)) throw error;
        for (const e of (error.extra?.['errors'] as { field: string; message: string }[] | undefined) ?? []) {
          const field = e.field.startsWith('phones')
            ? 'phone'
            : e.field.startsWith('customFields.')
              ? `cf.${e.field.slice(13)}`
              : e.field;
          const col = columnOf[field] ?? field;
          problems.push({ column: col, value: data[col] ?? null, message: e.message });
        }
      }
    }
    return { dto, problems };
  }

  private async insert(m: EntityManager, dto: CreatePersonDto): Promise<string> {
    const emails = prepareEmails(dto.emails ?? []);
    const phones = preparePhones(dto.phones ?? [], dto.country);
    const externalIds = prepareExternalIds(dto.externalIds);
    const now = new Date();
    const id = uuidv7();
    const firstName = dto.firstName.trim();
    const lastName = dto.lastName.trim();
    const person = {
      id,
      firstName,
      lastName,
      displayName: `${firstName} ${lastName}`,
      birthDate: dto.birthDate ?? null,
      country: dto.country?.toUpperCase() ?? null,
      region: dto.region ?? null,
      city: dto.city ?? null,
      locale: dto.locale ?? null,
      occupation: dto.occupation ?? null,
      address: null,
      lifecycleStage: dto.lifecycleStage ?? 'lead',
      ownerId: dto.ownerId ?? null,
      tags: [...new Set(dto.tags ?? [])],
      customFields: dto.customFields ?? {},
      source: dto.source ? { ...dto.source, firstTouchAt: dto.source.firstTouchAt ?? now.toISOString() } : {},
      socialProfiles: [],
      status: 'active',
      mergedInto: null,
      searchText: searchText([firstName, lastName, ...emails.map((e) => e.address)]),
      version: 1,
      createdAt: now,
      updatedAt: now,
    } as unknown as Person;
    await m.query(
      `INSERT INTO people (id, first_name, last_name, display_name, birth_date, country, region, city, locale, occupation,
         lifecycle_stage, owner_id, tags, custom_fields, source, status, search_text, version, created_at, updated_at)
       VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13, $14, $15, 'active', $16, 1, $17, $17)`,
      [
        id,
        firstName,
        lastName,
        person.displayName,
        person.birthDate,
        person.country,
        person.region,
        person.city,
        person.locale,
        person.occupation,
        person.lifecycleStage,
        person.ownerId,
        person.tags,
        JSON.stringify(person.customFields),
        JSON.stringify(person.source),
        person.searchText,
        now,
      ],
    );
    await insertEmails(m, id, emails);
    await insertPhones(m, id, phones);
    await replaceExternalIds(m, PERSON_IDS, id, externalIds, { fresh: true });
    const view = toView(person, emails, phones, null, externalIds);
    await this.events.publish(m, {
      type: CONTACTS_EVENTS.contactCreated,
      subject: id,
      version: 1,
      data: toPayload(view),
    });
    return id;
  }

  /** onMatch=update: the mapped fields replace the contact's (as a PATCH would), contact.updated goes out. */
  private async updateMatched(m: EntityManager, id: string, dto: CreatePersonDto): Promise<void> {
    await m.query(
      `UPDATE people SET first_name = $2, last_name = $3, display_name = $2 || ' ' || $3,
              country = COALESCE($4, country), city = COALESCE($5, city), lifecycle_stage = COALESCE($6, lifecycle_stage),
              owner_id = COALESCE($7, owner_id), tags = COALESCE($8, tags),
              custom_fields = custom_fields || $9::jsonb, version = version + 1, updated_at = now()
        WHERE id = $1 AND status = 'active'`,
      [
        id,
        dto.firstName.trim(),
        dto.lastName.trim(),
        dto.country?.toUpperCase() ?? null,
        dto.city ?? null,
        dto.lifecycleStage ?? null,
        dto.ownerId ?? null,
        dto.tags ?? null,
        JSON.stringify(dto.customFields ?? {}),
      ],
    );
    const ext = prepareExternalIds(dto.externalIds);
    if (ext.length) {
      await m.query(
        `INSERT INTO person_external_ids (person_id, source, external_id) SELECT $1, $2, $3
         ON CONFLICT DO NOTHING`,
        [id, ext[0].source, ext[0].id],
      );
    }
    await this.people.publishChange(m, id, CONTACTS_EVENTS.contactUpdated);
  }
}

function checkMapping(mapping: ImportMapping): void {
  const problems = Object.entries(mapping.columns ?? {})
    .filter(([, f]) => !(IMPORT_FIELDS as readonly string[]).includes(f) && !/^cf\.[a-z][a-z0-9_]{0,49}$/.test(f))
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

function flatten(errors: ValidationError[], prefix = ''): { path: string; message: string }[] {
  return errors.flatMap((e) => {
    const path = prefix ? `${prefix}.${e.property}` : e.property;
    const own = Object.values(e.constraints ?? {}).map((message) => ({ path, message }));
    return [...own, ...flatten(e.children ?? [], path)];
  });
}

const cap = (s: string) => (s ? s[0].toUpperCase() + s.slice(1) : s);

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
