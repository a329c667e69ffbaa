/**
 * The tables ImportJobs works on, for a service's migration: saved mappings,
 * one row per import (progress and checkpoint), the refused rows (the error
 * report), and `import_uuidv7()` for time-ordered ids inside set-based
 * INSERT ... SELECT statements. Each kind adds its own staging table.
 */
export const IMPORT_TABLES_SQL: readonly string[] = [
  `CREATE OR REPLACE FUNCTION import_uuidv7() RETURNS uuid LANGUAGE sql VOLATILE PARALLEL SAFE AS $$
     SELECT encode(set_bit(set_bit(overlay(uuid_send(gen_random_uuid()) PLACING
              substring(int8send((extract(epoch FROM clock_timestamp()) * 1000)::bigint) FROM 3) FROM 1 FOR 6),
            52, 1), 53, 1), 'hex')::uuid
   $$`,
  `CREATE TABLE import_mappings (
     id uuid PRIMARY KEY,
     kind text NOT NULL,
     name text NOT NULL,
     columns jsonb NOT NULL,
     options jsonb NOT NULL DEFAULT '{}',
     created_at timestamptz NOT NULL DEFAULT now(),
     UNIQUE (kind, name)
   )`,
  `CREATE TABLE imports (
     id uuid PRIMARY KEY,
     kind text NOT NULL,
     status text NOT NULL,
     dry_run boolean NOT NULL,
     on_match text NOT NULL,
     mapping jsonb NOT NULL,
     rows_total int NOT NULL DEFAULT 0,
     units_total int,
     rows_read int NOT NULL DEFAULT 0,
     valid int NOT NULL DEFAULT 0,
     written int NOT NULL DEFAULT 0,
     updated int NOT NULL DEFAULT 0,
     skipped int NOT NULL DEFAULT 0,
     failed int NOT NULL DEFAULT 0,
     next_row int NOT NULL DEFAULT 1,
     attempts int NOT NULL DEFAULT 0,
     last_error text,
     requested_by text NOT NULL,
     created_at timestamptz NOT NULL DEFAULT now(),
     started_at timestamptz,
     finished_at timestamptz,
     updated_at timestamptz NOT NULL DEFAULT now()
   )`,
  `CREATE INDEX imports_running_idx ON imports (kind, created_at) WHERE status = 'running'`,
  `CREATE TABLE import_errors (
     import_id uuid NOT NULL REFERENCES imports (id) ON DELETE CASCADE,
     row_no int NOT NULL,
     column_name text NOT NULL,
     value text,
     message text NOT NULL,
     PRIMARY KEY (import_id, row_no, column_name)
   )`,
];

export const DROP_IMPORT_TABLES_SQL: readonly string[] = [
  `DROP TABLE import_errors`,
  `DROP TABLE imports`,
  `DROP TABLE import_mappings`,
  `DROP FUNCTION import_uuidv7()`,
];
