import type { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * An erasure request covers the contact and every contact merged into it,
 * and expects a receipt from each participant for each of them.
 */
export class ErasureReceipts1763900001000 implements MigrationInterface {
  name = 'ErasureReceipts1763900001000';

  async up(q: QueryRunner): Promise<void> {
    await q.query(`
      ALTER TABLE erasure_requests
        ADD COLUMN contact_ids uuid[] NOT NULL DEFAULT '{}',
        ADD COLUMN participants text[] NOT NULL DEFAULT '{contacts}'`);
    await q.query(`UPDATE erasure_requests SET contact_ids = ARRAY[person_id]`);
    await q.query(`CREATE INDEX erasure_requests_contacts_idx ON erasure_requests USING gin (contact_ids)`);
    await q.query(`
      CREATE TABLE erasure_confirmations (
        request_id uuid NOT NULL REFERENCES erasure_requests (id),
        participant text NOT NULL,
        contact_id uuid NOT NULL,
        records int NOT NULL,
        completed_at timestamptz NOT NULL,
        received_at timestamptz NOT NULL DEFAULT now(),
        PRIMARY KEY (request_id, participant, contact_id)
      )`);
    // Requests made before receipts existed: contacts did its part when they were made.
    await q.query(`
      INSERT INTO erasure_confirmations (request_id, participant, contact_id, records, completed_at)
      SELECT id, 'contacts', person_id, 0, COALESCE(completed_at, requested_at) FROM erasure_requests`);
  }

  async down(q: QueryRunner): Promise<void> {
    await q.query(`DROP TABLE erasure_confirmations`);
    await q.query(`DROP INDEX erasure_requests_contacts_idx`);
    await q.query(`ALTER TABLE erasure_requests DROP COLUMN contact_ids, DROP COLUMN participants`);
  }
}
