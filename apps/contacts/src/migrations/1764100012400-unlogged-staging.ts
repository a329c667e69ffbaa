import type { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * The staging tables of imports are written once by COPY and read once by
 * the job, then emptied: unlogged, they cost no WAL (a million staged rows
 * wrote about as much WAL as the contacts themselves). A database crash
 * empties them; the job then finds its staged rows missing and fails the
 * import, which is uploaded again: nothing is written twice or skipped.
 */
export class UnloggedStaging1764100012400 implements MigrationInterface {
  name = 'UnloggedStaging1764100012400';

  async up(q: QueryRunner): Promise<void> {
    await q.query(`ALTER TABLE import_staged SET UNLOGGED`);
    await q.query(`ALTER TABLE account_import_staged SET UNLOGGED`);
  }

  async down(q: QueryRunner): Promise<void> {
    await q.query(`ALTER TABLE account_import_staged SET LOGGED`);
    await q.query(`ALTER TABLE import_staged SET LOGGED`);
  }
}
