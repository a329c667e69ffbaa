import type { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * Imports and exports of more than one kind (issue 12: accounts beside
 * contacts), on @crm/bulk's job machinery: `kind` on imports, mappings and
 * the export audit; `units_total` (a kind's batches may count other units
 * than rows); mapping names unique per kind. `account_import_staged` holds an
 * accounts import's checked rows; accounts are matched by domain after their
 * external id, hence its index.
 */
export class BulkKinds1764100012300 implements MigrationInterface {
  name = 'BulkKinds1764100012300';

  async up(q: QueryRunner): Promise<void> {
    await q.query(`ALTER TABLE imports ADD COLUMN kind text NOT NULL DEFAULT 'contacts', ADD COLUMN units_total int`);
    await q.query(`ALTER TABLE imports ALTER COLUMN kind DROP DEFAULT`);
    await q.query(`CREATE INDEX imports_running_idx ON imports (kind, created_at) WHERE status = 'running'`);
    await q.query(`ALTER TABLE import_mappings ADD COLUMN kind text NOT NULL DEFAULT 'contacts'`);
    await q.query(`ALTER TABLE import_mappings ALTER COLUMN kind DROP DEFAULT`);
    await q.query(`ALTER TABLE import_mappings DROP CONSTRAINT import_mappings_name_key`);
    await q.query(`ALTER TABLE import_mappings ADD CONSTRAINT import_mappings_kind_name_key UNIQUE (kind, name)`);
    await q.query(`ALTER TABLE contact_exports ADD COLUMN kind text NOT NULL DEFAULT 'contacts'`);
    await q.query(`ALTER TABLE contact_exports ALTER COLUMN kind DROP DEFAULT`);
    await q.query(`
      CREATE TABLE account_import_staged (
        import_id uuid NOT NULL,
        row_no int NOT NULL,
        ok boolean NOT NULL,
        name text,
        domain text,
        industry text,
        size_band text,
        country text,
        city text,
        external_id text,
        PRIMARY KEY (import_id, row_no)
      )`);
    await q.query(`CREATE INDEX accounts_domain_idx ON accounts (domain) WHERE domain IS NOT NULL`);
  }

  async down(q: QueryRunner): Promise<void> {
    await q.query(`DROP INDEX accounts_domain_idx`);
    await q.query(`DROP TABLE account_import_staged`);
    await q.query(`ALTER TABLE contact_exports DROP COLUMN kind`);
    await q.query(`ALTER TABLE import_mappings DROP CONSTRAINT import_mappings_kind_name_key`);
    await q.query(`ALTER TABLE import_mappings ADD CONSTRAINT import_mappings_name_key UNIQUE (name)`);
    await q.query(`ALTER TABLE import_mappings DROP COLUMN kind`);
    await q.query(`DROP INDEX imports_running_idx`);
    await q.query(`ALTER TABLE imports DROP COLUMN kind, DROP COLUMN units_total`);
  }
}
