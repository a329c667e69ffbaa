import type { MigrationInterface, QueryRunner } from 'typeorm';

/** A partner's match request in chunks: counted as one, answered at the last chunk, k applied to the whole list. */
export class PartnerMatchSessions1764100007000 implements MigrationInterface {
  name = 'PartnerMatchSessions1764100007000';

  async up(q: QueryRunner): Promise<void> {
    await q.query(`
      CREATE TABLE partner_match_sessions (
        agreement_id uuid NOT NULL REFERENCES partner_agreements (id) ON DELETE CASCADE,
        match_id uuid NOT NULL,
        chunks int NOT NULL,
        chunks_received int NOT NULL DEFAULT 0,
        records int NOT NULL DEFAULT 0,
        matched int NOT NULL DEFAULT 0,
        last_chunk_at timestamptz NOT NULL DEFAULT clock_timestamp(),
        PRIMARY KEY (agreement_id, match_id)
      )`);
  }

  async down(q: QueryRunner): Promise<void> {
    await q.query(`DROP TABLE partner_match_sessions`);
  }
}
