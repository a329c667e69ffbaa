import type { MigrationInterface, QueryRunner } from 'typeorm';

export class CustomerFacts1763800001000 implements MigrationInterface {
  name = 'CustomerFacts1763800001000';

  async up(q: QueryRunner): Promise<void> {
    await q.query(`
      CREATE TABLE customer_facts (
        contact_id uuid PRIMARY KEY,
        version int NOT NULL,
        lifecycle_stage text,
        country text,
        acquisition_channel text,
        status text NOT NULL DEFAULT 'active',
        merged_into uuid,
        became_customer_at timestamptz,
        contact_created_at timestamptz,
        last_event_at timestamptz,
        updated_at timestamptz NOT NULL DEFAULT now()
      )`);
    await q.query(`CREATE INDEX customer_facts_counted_idx ON customer_facts (status) WHERE status <> 'merged'`);
  }

  async down(q: QueryRunner): Promise<void> {
    await q.query('DROP TABLE customer_facts');
  }
}
