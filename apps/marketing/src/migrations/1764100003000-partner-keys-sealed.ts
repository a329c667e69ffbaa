import type { MigrationInterface, QueryRunner } from 'typeorm';
import { openKey, partnerMasterKey, sealKey } from '../partners/partner-keys';
import { loadMarketingSettings } from '../shared/marketing-settings';

/**
 * Agreements' shared keys sealed at rest (AES-256-GCM under the master key of
 * the settings): the plain column is replaced by `shared_key_sealed`, every
 * existing key sealed in the same transaction. The master key is read from
 * the environment (as `main.js migrate` has it) only when there are keys.
 */
export class PartnerKeysSealed1764100003000 implements MigrationInterface {
  name = 'PartnerKeysSealed1764100003000';

  async up(q: QueryRunner): Promise<void> {
    await q.query(`ALTER TABLE partner_agreements ADD COLUMN shared_key_sealed text`);
    const rows: { id: string; shared_key: string }[] = await q.query(`SELECT id, shared_key FROM partner_agreements`);
    if (rows.length) {
      const master = partnerMasterKey(loadMarketingSettings());
      for (const r of rows)
        await q.query(`UPDATE partner_agreements SET shared_key_sealed = $2 WHERE id = $1`, [
          r.id,
          sealKey(master, r.id, r.shared_key),
        ]);
    }
    await q.query(`ALTER TABLE partner_agreements ALTER COLUMN shared_key_sealed SET NOT NULL`);
    await q.query(`ALTER TABLE partner_agreements DROP COLUMN shared_key`);
  }

  async down(q: QueryRunner): Promise<void> {
    await q.query(`ALTER TABLE partner_agreements ADD COLUMN shared_key text`);
    const rows: { id: string; shared_key_sealed: string }[] = await q.query(
      `SELECT id, shared_key_sealed FROM partner_agreements`,
    );
    if (rows.length) {
      const master = partnerMasterKey(loadMarketingSettings());
      for (const r of rows)
        await q.query(`UPDATE partner_agreements SET shared_key = $2 WHERE id = $1`, [
          r.id,
          openKey(master, r.id, r.shared_key_sealed),
        ]);
    }
    await q.query(`ALTER TABLE partner_agreements ALTER COLUMN shared_key SET NOT NULL`);
    await q.query(`ALTER TABLE partner_agreements DROP COLUMN shared_key_sealed`);
  }
}
