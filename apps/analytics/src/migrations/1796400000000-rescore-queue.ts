import type { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * Customers waiting to be re-scored: written in the transaction of the
 * change (order events, merges), drained by the scores' queue worker. Append
 * only, so a writer never waits for the worker; a customer queued several
 * times is scored once per drain.
 */
export class RescoreQueue1796400000000 implements MigrationInterface {
  name = 'RescoreQueue1796400000000';

  async up(q: QueryRunner): Promise<void> {
    await q.query(`CREATE TABLE rescore_queue (
      seq bigserial PRIMARY KEY,
      customer_id uuid NOT NULL,
      queued_at timestamptz NOT NULL DEFAULT now())`);
  }

  async down(q: QueryRunner): Promise<void> {
    await q.query(`DROP TABLE rescore_queue`);
  }
}
