import { Client } from 'pg';
import { waitFor } from '@crm/messaging';

/**
 * Makes a request deadlock with another session, with the request as the
 * victim: the other session locks `held` first, `request` starts and blocks on
 * it (holding `wanted`), then the other session asks for `wanted`. The request
 * waited longer, so its deadlock check runs first (the other session's is
 * put off) and Postgres aborts the request's transaction. Answers the
 * request's outcome once the other session has committed.
 */
export async function deadlockAgainst<T>(
  db: Client,
  people: { held: string; wanted: string },
  request: () => Promise<T>,
): Promise<T> {
  const other = new Client({ connectionString: process.env['DATABASE_URL'] });
  await other.connect();
  try {
    await other.query('BEGIN');
    await other.query(`SET LOCAL deadlock_timeout = '20s'`);
    await other.query(`SELECT id FROM people WHERE id = $1 FOR UPDATE`, [people.held]);
    const answer = request();
    await waitFor(
      async () =>
        (
          await db.query(
            `SELECT count(*)::int AS n FROM pg_stat_activity WHERE datname = current_database() AND wait_event_type = 'Lock'`,
          )
        ).rows[0].n as number,
      (n) => n >= 1,
      10_000,
      10,
    );
    await other.query(`SELECT id FROM people WHERE id = $1 FOR UPDATE`, [people.wanted]);
    await other.query('COMMIT');
    return await answer;
  } finally {
    await other.end();
  }
}
