import type { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * Per agreement, the keyed hash of each active contact's email and phone, so
 * a partner's records are matched with one indexed lookup instead of hashing
 * every contact per request. Built by a job when the key is set (ready says
 * when it is complete), kept in step by the contact events.
 */
export class PartnerHashIndex1764100005000 implements MigrationInterface {
  name = 'PartnerHashIndex1764100005000';

  async up(q: QueryRunner): Promise<void> {
    await q.query(`
      CREATE TABLE partner_contact_hashes (
        agreement_id uuid NOT NULL REFERENCES partner_agreements (id) ON DELETE CASCADE,
        hash text NOT NULL,
        kind text NOT NULL CHECK (kind IN ('email', 'phone')),
        contact_id uuid NOT NULL,
        PRIMARY KEY (agreement_id, hash, contact_id)
      )`);
    await q.query(`CREATE INDEX partner_contact_hashes_contact_idx ON partner_contact_hashes (contact_id)`);
    await q.query(`ALTER TABLE partner_agreements ADD COLUMN hash_index_ready boolean NOT NULL DEFAULT false`);
  }

  async down(q: QueryRunner): Promise<void> {
    await q.query(`ALTER TABLE partner_agreements DROP COLUMN hash_index_ready`);
    await q.query(`DROP TABLE partner_contact_hashes`);
  }
}
