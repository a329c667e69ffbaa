import type { MigrationInterface, QueryRunner } from 'typeorm';

/** A received audience records when its last chunk came and, when it was discarded, why. */
export class PartnerAudienceCompletion1764100004000 implements MigrationInterface {
  name = 'PartnerAudienceCompletion1764100004000';

  async up(q: QueryRunner): Promise<void> {
    await q.query(
      `ALTER TABLE partner_audiences ADD COLUMN last_chunk_at timestamptz NOT NULL DEFAULT clock_timestamp(),
         ADD COLUMN reason text`,
    );
    await q.query(
      `CREATE INDEX partner_audiences_receiving_idx ON partner_audiences (last_chunk_at) WHERE status = 'receiving'`,
    );
  }

  async down(q: QueryRunner): Promise<void> {
    await q.query(`DROP INDEX partner_audiences_receiving_idx`);
    await q.query(`ALTER TABLE partner_audiences DROP COLUMN last_chunk_at, DROP COLUMN reason`);
  }
}
