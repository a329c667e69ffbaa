import type { MigrationInterface, QueryRunner } from 'typeorm';

/** Audit entries are written before a write is forwarded and completed after: status and duration come later. */
export class AuditBeforeForwarding1796200001000 implements MigrationInterface {
  name = 'AuditBeforeForwarding1796200001000';

  async up(q: QueryRunner): Promise<void> {
    await q.query(`
      ALTER TABLE audit_log
        ALTER COLUMN status DROP NOT NULL,
        ALTER COLUMN duration_ms DROP NOT NULL,
        ADD COLUMN outcome text NOT NULL DEFAULT 'completed'`);
  }

  async down(q: QueryRunner): Promise<void> {
    await q.query(`DELETE FROM audit_log WHERE status IS NULL OR duration_ms IS NULL`);
    await q.query(`
      ALTER TABLE audit_log
        DROP COLUMN outcome,
        ALTER COLUMN status SET NOT NULL,
        ALTER COLUMN duration_ms SET NOT NULL`);
  }
}
