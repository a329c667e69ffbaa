import type { MigrationInterface, QueryRunner } from 'typeorm';

export class GatewayTables1763900000000 implements MigrationInterface {
  name = 'GatewayTables1763900000000';

  async up(q: QueryRunner): Promise<void> {
    await q.query(`
      CREATE TABLE api_keys (
        id uuid PRIMARY KEY,
        name text NOT NULL,
        prefix text NOT NULL,
        key_hash text NOT NULL UNIQUE,
        scopes text[] NOT NULL,
        created_by text NOT NULL,
        created_at timestamptz NOT NULL DEFAULT now(),
        last_used_at timestamptz,
        revoked_at timestamptz,
        revoked_by text
      )`);
    await q.query(`
      CREATE TABLE audit_log (
        id uuid PRIMARY KEY,
        at timestamptz NOT NULL,
        request_id text NOT NULL,
        subject text,
        subject_name text,
        kind text,
        method text NOT NULL,
        path text NOT NULL,
        service text,
        status int NOT NULL,
        duration_ms int NOT NULL,
        client_ip text
      )`);
    await q.query('CREATE INDEX audit_log_subject_idx ON audit_log (subject, id)');
    await q.query('CREATE INDEX audit_log_at_idx ON audit_log (at)');
  }

  async down(q: QueryRunner): Promise<void> {
    await q.query('DROP TABLE audit_log');
    await q.query('DROP TABLE api_keys');
  }
}
