import type { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * Search at a million people (issue 16). Runs outside a transaction so its
 * indexes are built CONCURRENTLY: writes to `people` go on while they build.
 *
 * - `people_active_id_idx`: newest/oldest first by id (uuidv7, time-ordered)
 *   as a keyset on an indexed key, instead of a sort on `id::text`.
 * - `search_words`: the distinct words of the search text (letters only:
 *   names and company words, no emails), with a trigram index. A misspelt
 *   word is corrected against this small dictionary, then the people are
 *   found through the full-text index, instead of comparing trigrams with a
 *   million rows. Kept by a trigger on `people`.
 */
export class SearchAtScale1764100001000 implements MigrationInterface {
  name = 'SearchAtScale1764100001000';
  transaction = false;

  async up(q: QueryRunner): Promise<void> {
    await createIndexConcurrently(q, 'people_active_id_idx', `people (id) WHERE status = 'active'`);
    await q.query(`CREATE TABLE IF NOT EXISTS search_words (word text PRIMARY KEY)`);
    await q.query(`CREATE INDEX IF NOT EXISTS search_words_trgm_idx ON search_words USING gin (word gin_trgm_ops)`);
    await q.query(`
      CREATE OR REPLACE FUNCTION people_search_words() RETURNS trigger LANGUAGE plpgsql AS $$
      BEGIN
        -- Lexemes come sorted, so concurrent inserts of new words take their locks in one order.
        INSERT INTO search_words (word)
          SELECT w FROM unnest(tsvector_to_array(NEW.search_vector)) w
           WHERE w ~ '^[[:alpha:]][[:alpha:]''-]{1,39}$'
          ON CONFLICT DO NOTHING;
        RETURN NULL;
      END $$`);
    await q.query(`DROP TRIGGER IF EXISTS people_search_words ON people`);
    await q.query(`
      CREATE TRIGGER people_search_words AFTER INSERT OR UPDATE OF search_text ON people
        FOR EACH ROW WHEN (NEW.search_text <> '') EXECUTE FUNCTION people_search_words()`);
    // The words already there: one read of people, no lock that stops writers.
    await q.query(`
      INSERT INTO search_words (word)
        SELECT DISTINCT w FROM people, unnest(tsvector_to_array(search_vector)) w
         WHERE status = 'active' AND w ~ '^[[:alpha:]][[:alpha:]''-]{1,39}$'
        ON CONFLICT DO NOTHING`);
  }

  async down(q: QueryRunner): Promise<void> {
    await q.query(`DROP TRIGGER IF EXISTS people_search_words ON people`);
    await q.query(`DROP FUNCTION IF EXISTS people_search_words()`);
    await q.query(`DROP TABLE IF EXISTS search_words`);
    await q.query(`DROP INDEX CONCURRENTLY IF EXISTS people_active_id_idx`);
  }
}

/** CREATE INDEX CONCURRENTLY that can be run again: an index left invalid by a failed build is dropped first. */
export async function createIndexConcurrently(q: QueryRunner, name: string, definition: string): Promise<void> {
  const found: { valid: boolean }[] = await q.query(
    `SELECT i.indisvalid AS valid FROM pg_index i JOIN pg_class c ON c.oid = i.indexrelid WHERE c.relname = $1`,
    [name],
  );
  if (found[0]?.valid) return;
  if (found.length) await q.query(`DROP INDEX CONCURRENTLY IF EXISTS ${name}`);
  await q.query(`CREATE INDEX CONCURRENTLY ${name} ON ${definition}`);
}
