import type { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * CSV imports (issue 12): saved column mappings, one row per import with its
 * progress and checkpoint, the uploaded rows (so a job resumes after a crash
 * from what was uploaded), and the refused rows (the error report).
 */
export class Imports1764100004000 implements MigrationInterface {
  name = 'Imports1764100004000';

  async up(q: QueryRunner): Promise<void> {
    await q.query(`
      CREATE TABLE import_mappings (
        id uuid PRIMARY KEY,
        name text NOT NULL UNIQUE,
        columns jsonb NOT NULL,
        options jsonb NOT NULL DEFAULT '{}',
        created_at timestamptz NOT NULL DEFAULT now()
      )`);
    await q.query(`
      CREATE TABLE imports (
        id uuid PRIMARY KEY,
        status text NOT NULL,
        dry_run boolean NOT NULL,
        on_match text NOT NULL,
        mapping jsonb NOT NULL,
        options jsonb NOT NULL DEFAULT '{}',
        rows_total int NOT NULL DEFAULT 0,
        rows_read int NOT NULL DEFAULT 0,
        valid int NOT NULL DEFAULT 0,
        written int NOT NULL DEFAULT 0,
        updated int NOT NULL DEFAULT 0,
        skipped int NOT NULL DEFAULT 0,
        failed int NOT NULL DEFAULT 0,
        next_row int NOT NULL DEFAULT 1,
        requested_by text NOT NULL,
        created_at timestamptz NOT NULL DEFAULT now(),
        started_at timestamptz,
        finished_at timestamptz,
        updated_at timestamptz NOT NULL DEFAULT now()
      )`);
    await q.query(`
      CREATE TABLE import_rows (
        import_id uuid NOT NULL REFERENCES imports (id) ON DELETE CASCADE,
        row_no int NOT NULL,
        data jsonb NOT NULL,
        PRIMARY KEY (import_id, row_no)
      )`);
    await q.query(`
      CREATE TABLE import_errors (
        import_id uuid NOT NULL REFERENCES imports (id) ON DELETE CASCADE,
        row_no int NOT NULL,
        column_name text NOT NULL,
        value text,
        message text NOT NULL,
        PRIMARY KEY (import_id, row_no, column_name)
      )`);
  }

  async down(q: QueryRunner): Promise<void> {
    for (const t of ['import_errors', 'import_rows', 'imports', 'import_mappings']) await q.query(`DROP TABLE ${t}`);
  }
}
