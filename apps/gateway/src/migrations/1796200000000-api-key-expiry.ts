import type { MigrationInterface, QueryRunner } from 'typeorm';

export class ApiKeyExpiry1796200000000 implements MigrationInterface {
  name = 'ApiKeyExpiry1796200000000';

  async up(q: QueryRunner): Promise<void> {
    await q.query('ALTER TABLE api_keys ADD COLUMN expires_at timestamptz');
  }

  async down(q: QueryRunner): Promise<void> {
    await q.query('ALTER TABLE api_keys DROP COLUMN expires_at');
  }
}
