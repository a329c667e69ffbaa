import type { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * The search words of inserted people are added once per statement, from its
 * transition table, instead of by a PL/pgSQL call and two index probes per
 * row: an import's INSERT of 10,000 people adds their few hundred distinct new
 * words in one anti-join (issue 12). What ends up in `search_words` is the
 * same. Updates of `search_text` keep the row trigger (a trigger on a column
 * list cannot have a transition table).
 */
export class SearchWordsPerStatement1764100012100 implements MigrationInterface {
  name = 'SearchWordsPerStatement1764100012100';

  async up(q: QueryRunner): Promise<void> {
    await q.query(`
      CREATE OR REPLACE FUNCTION people_search_words_inserted() RETURNS trigger LANGUAGE plpgsql AS $$
      BEGIN
        INSERT INTO search_words (word)
          SELECT DISTINCT w FROM new_people p, unnest(tsvector_to_array(p.search_vector)) w
           WHERE p.search_text <> '' AND w ~ '^[[:alpha:]][[:alpha:]''-]{1,39}$'
             AND NOT EXISTS (SELECT 1 FROM search_words s WHERE s.word = w)
           ORDER BY w;
        RETURN NULL;
      END $$`);
    await q.query(`DROP TRIGGER IF EXISTS people_search_words ON people`);
    await q.query(`
      CREATE TRIGGER people_search_words AFTER UPDATE OF search_text ON people
        FOR EACH ROW WHEN (NEW.search_text <> '') EXECUTE FUNCTION people_search_words()`);
    await q.query(`
      CREATE TRIGGER people_search_words_inserted AFTER INSERT ON people
        REFERENCING NEW TABLE AS new_people FOR EACH STATEMENT EXECUTE FUNCTION people_search_words_inserted()`);
  }

  async down(q: QueryRunner): Promise<void> {
    await q.query(`DROP TRIGGER IF EXISTS people_search_words_inserted ON people`);
    await q.query(`DROP FUNCTION IF EXISTS people_search_words_inserted()`);
    await q.query(`DROP TRIGGER IF EXISTS people_search_words ON people`);
    await q.query(`
      CREATE TRIGGER people_search_words AFTER INSERT OR UPDATE OF search_text ON people
        FOR EACH ROW WHEN (NEW.search_text <> '') EXECUTE FUNCTION people_search_words()`);
  }
}
