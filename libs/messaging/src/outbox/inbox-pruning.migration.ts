import type { MigrationInterface, QueryRunner } from 'typeorm';

/** Lets the consumer prune the inbox by age without scanning every row. */
export class InboxPruning1796150000000 implements MigrationInterface {
  name = 'InboxPruning1796150000000';

  async up(q: QueryRunner): Promise<void> {
    await q.query(`CREATE INDEX inbox_received_at_idx ON inbox (consumer, received_at)`);
  }

  async down(q: QueryRunner): Promise<void> {
    await q.query(`DROP INDEX inbox_received_at_idx`);
  }
}
