import type { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * Set-based imports (issue 12). The uploaded rows are COPYed, already mapped,
 * checked and normalised, into `import_staged` (typed columns, no foreign key,
 * so COPY pays one index insert per row); the job writes them in large
 * batches with INSERT ... SELECT. `import_uuidv7()` gives the new contacts,
 * emails, phones and events their time-ordered ids inside those statements.
 * `imports.attempts`/`last_error`: a batch that keeps failing ends the import
 * as failed instead of being retried for ever. `import_rows` (one jsonb per
 * row, written row by row) goes; an import still waiting on it is failed.
 */
export class ImportsSetBased1764100012000 implements MigrationInterface {
  name = 'ImportsSetBased1764100012000';

  async up(q: QueryRunner): Promise<void> {
    await q.query(`
      CREATE OR REPLACE FUNCTION import_uuidv7() RETURNS uuid LANGUAGE sql VOLATILE PARALLEL SAFE AS $$
        SELECT encode(set_bit(set_bit(overlay(uuid_send(gen_random_uuid()) PLACING
                 substring(int8send((extract(epoch FROM clock_timestamp()) * 1000)::bigint) FROM 3) FROM 1 FOR 6),
               52, 1), 53, 1), 'hex')::uuid
      $$`);
    await q.query(`
      CREATE TABLE import_staged (
        import_id uuid NOT NULL,
        row_no int NOT NULL,
        ok boolean NOT NULL,
        first_name text,
        last_name text,
        email text,
        phone text,
        country text,
        region text,
        city text,
        locale text,
        occupation text,
        birth_date date,
        lifecycle_stage text,
        owner_id text,
        tags text[],
        external_id text,
        source jsonb,
        custom_fields jsonb,
        consents jsonb,
        search_text text,
        PRIMARY KEY (import_id, row_no)
      )`);
    await q.query(`ALTER TABLE imports ADD COLUMN attempts int NOT NULL DEFAULT 0, ADD COLUMN last_error text`);
    await q.query(
      `UPDATE imports SET status = 'failed', last_error = 'staged before the set-based import; upload the file again',
              finished_at = now(), updated_at = now()
        WHERE status IN ('staging', 'queued', 'running')`,
    );
    await q.query(`DROP TABLE import_rows`);
  }

  async down(q: QueryRunner): Promise<void> {
    await q.query(`
      CREATE TABLE import_rows (
        import_id uuid NOT NULL REFERENCES imports (id) ON DELETE CASCADE,
        row_no int NOT NULL,
        data jsonb NOT NULL,
        PRIMARY KEY (import_id, row_no)
      )`);
    await q.query(`ALTER TABLE imports DROP COLUMN attempts, DROP COLUMN last_error`);
    await q.query(`DROP TABLE import_staged`);
    await q.query(`DROP FUNCTION import_uuidv7()`);
  }
}
