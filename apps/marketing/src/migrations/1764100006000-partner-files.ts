import type { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * Signed file exchange for partners that run no suite: a share can be a file
 * (downloaded once), its contacts keep the coarse attributes the file
 * carries, and a received audience says whether it came from a suite or a file.
 */
export class PartnerFiles1764100006000 implements MigrationInterface {
  name = 'PartnerFiles1764100006000';

  async up(q: QueryRunner): Promise<void> {
    await q.query(`ALTER TABLE partner_shares DROP CONSTRAINT partner_shares_kind_check,
      ADD CONSTRAINT partner_shares_kind_check CHECK (kind IN ('match', 'share', 'file'))`);
    await q.query(`ALTER TABLE partner_shares DROP CONSTRAINT partner_shares_status_check,
      ADD CONSTRAINT partner_shares_status_check
        CHECK (status IN ('sending', 'delivered', 'refused', 'failed', 'counted', 'ready'))`);
    await q.query(
      `ALTER TABLE partner_share_contacts ADD COLUMN country text, ADD COLUMN age_band text, ADD COLUMN rfm_segment text`,
    );
    await q.query(`
      CREATE TABLE partner_files (
        id uuid PRIMARY KEY,
        share_id uuid NOT NULL UNIQUE REFERENCES partner_shares (id),
        agreement_id uuid NOT NULL REFERENCES partner_agreements (id),
        encoding text NOT NULL CHECK (encoding IN ('csv', 'jsonl')),
        expires_at timestamptz NOT NULL,
        created_at timestamptz NOT NULL DEFAULT clock_timestamp(),
        manifest jsonb,
        signature text,
        downloaded_at timestamptz,
        downloaded_by text
      )`);
    await q.query(
      `ALTER TABLE partner_audiences ADD COLUMN via text NOT NULL DEFAULT 'suite' CHECK (via IN ('suite', 'file'))`,
    );
  }

  async down(q: QueryRunner): Promise<void> {
    await q.query(`ALTER TABLE partner_audiences DROP COLUMN via`);
    await q.query(`DROP TABLE partner_files`);
    await q.query(
      `ALTER TABLE partner_share_contacts DROP COLUMN country, DROP COLUMN age_band, DROP COLUMN rfm_segment`,
    );
    await q.query(
      `DELETE FROM partner_share_contacts WHERE share_id IN (SELECT id FROM partner_shares WHERE kind = 'file')`,
    );
    await q.query(`DELETE FROM partner_shares WHERE kind = 'file'`);
    await q.query(`ALTER TABLE partner_shares DROP CONSTRAINT partner_shares_status_check,
      ADD CONSTRAINT partner_shares_status_check CHECK (status IN ('sending', 'delivered', 'refused', 'failed', 'counted'))`);
    await q.query(`ALTER TABLE partner_shares DROP CONSTRAINT partner_shares_kind_check,
      ADD CONSTRAINT partner_shares_kind_check CHECK (kind IN ('match', 'share'))`);
  }
}
