import type { MigrationInterface, QueryRunner } from 'typeorm';

const OPEN = `status IN ('new', 'open', 'pending', 'on-hold')`;

/** A team's queue filtered by priority reads an index range even when no ticket matches (else it walks the team). */
export class QueueFilterIndexes1797000002000 implements MigrationInterface {
  name = 'QueueFilterIndexes1797000002000';

  async up(q: QueryRunner): Promise<void> {
    await q.query(`CREATE INDEX tickets_team_priority_open_idx ON tickets (team_id, priority, id DESC) WHERE ${OPEN}`);
    await q.query(`CREATE INDEX tickets_priority_open_idx ON tickets (priority, id DESC) WHERE ${OPEN}`);
  }

  async down(q: QueryRunner): Promise<void> {
    await q.query(`DROP INDEX tickets_priority_open_idx`);
    await q.query(`DROP INDEX tickets_team_priority_open_idx`);
  }
}
