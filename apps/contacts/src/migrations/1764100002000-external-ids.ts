import type { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * External ids (issue 12): a contact's or account's id in another system
 * (source + id), unique per source among active records, searchable by id
 * (case-insensitive). New tables, so nothing big is locked.
 */
export class ExternalIds1764100002000 implements MigrationInterface {
  name = 'ExternalIds1764100002000';

  async up(q: QueryRunner): Promise<void> {
    await q.query(`
      CREATE TABLE person_external_ids (
        person_id uuid NOT NULL REFERENCES people (id) ON DELETE CASCADE,
        source text NOT NULL,
        external_id text NOT NULL,
        active boolean NOT NULL DEFAULT true,
        created_at timestamptz NOT NULL DEFAULT now(),
        PRIMARY KEY (person_id, source, external_id)
      )`);
    // One active contact per (source, id); a merged or erased contact releases its ids.
    await q.query(
      `CREATE UNIQUE INDEX person_external_ids_active_uq ON person_external_ids (source, external_id) WHERE active`,
    );
    await q.query(
      `CREATE INDEX person_external_ids_lookup_idx ON person_external_ids (lower(external_id)) WHERE active`,
    );
    await q.query(`
      CREATE TABLE account_external_ids (
        account_id uuid NOT NULL REFERENCES accounts (id) ON DELETE CASCADE,
        source text NOT NULL,
        external_id text NOT NULL,
        created_at timestamptz NOT NULL DEFAULT now(),
        PRIMARY KEY (account_id, source, external_id)
      )`);
    await q.query(`CREATE UNIQUE INDEX account_external_ids_uq ON account_external_ids (source, external_id)`);
    await q.query(`CREATE INDEX account_external_ids_lookup_idx ON account_external_ids (lower(external_id))`);
  }

  async down(q: QueryRunner): Promise<void> {
    await q.query(`DROP TABLE account_external_ids`);
    await q.query(`DROP TABLE person_external_ids`);
  }
}
