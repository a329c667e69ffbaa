import type { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * The audit of personal data exports (issue 12): who exported which columns
 * of which filtered list, in which format, when, how many rows, and whether
 * the download finished. No exported value is kept.
 */
export class ContactExports1764100012200 implements MigrationInterface {
  name = 'ContactExports1764100012200';

  async up(q: QueryRunner): Promise<void> {
    await q.query(`
      CREATE TABLE contact_exports (
        id uuid PRIMARY KEY,
        requested_by text NOT NULL,
        format text NOT NULL,
        columns text[] NOT NULL,
        filters jsonb NOT NULL,
        rows int NOT NULL DEFAULT 0,
        outcome text NOT NULL DEFAULT 'streaming',
        started_at timestamptz NOT NULL DEFAULT now(),
        finished_at timestamptz
      )`);
    await q.query(`CREATE INDEX contact_exports_started_idx ON contact_exports (started_at DESC)`);
  }

  async down(q: QueryRunner): Promise<void> {
    await q.query(`DROP TABLE contact_exports`);
  }
}
