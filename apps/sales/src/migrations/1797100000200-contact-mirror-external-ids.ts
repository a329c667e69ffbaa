import type { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * An orders import names contacts by their external id: the mirror is looked
 * up by it, once per import for all its orders, and that must not be a scan
 * of every mirrored contact for each order.
 */
export class ContactMirrorExternalIds1797100000200 implements MigrationInterface {
  name = 'ContactMirrorExternalIds1797100000200';

  async up(q: QueryRunner): Promise<void> {
    await q.query(
      `CREATE INDEX IF NOT EXISTS contact_mirror_external_id ON contact_mirror (external_id) WHERE external_id IS NOT NULL`,
    );
  }

  async down(q: QueryRunner): Promise<void> {
    await q.query(`DROP INDEX IF EXISTS contact_mirror_external_id`);
  }
}
