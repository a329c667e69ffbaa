import type { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * `search_words` without a unique key: with one, two transactions adding the
 * same new word (an account renamed while its people move) waited on each
 * other's insert and could deadlock. Now a word is added when it is not
 * there yet, and a rare duplicate from two racing first uses is harmless
 * (corrections read distinct words).
 */
export class SearchWordsUnblocked1764100003000 implements MigrationInterface {
  name = 'SearchWordsUnblocked1764100003000';

  async up(q: QueryRunner): Promise<void> {
    await q.query(`ALTER TABLE search_words DROP CONSTRAINT IF EXISTS search_words_pkey`);
    await q.query(`ALTER TABLE search_words ALTER COLUMN word SET NOT NULL`);
    await q.query(`CREATE INDEX IF NOT EXISTS search_words_word_idx ON search_words (word)`);
    await q.query(`
      CREATE OR REPLACE FUNCTION people_search_words() RETURNS trigger LANGUAGE plpgsql AS $$
      BEGIN
        INSERT INTO search_words (word)
          SELECT w FROM unnest(tsvector_to_array(NEW.search_vector)) w
           WHERE w ~ '^[[:alpha:]][[:alpha:]''-]{1,39}$'
             AND NOT EXISTS (SELECT 1 FROM search_words s WHERE s.word = w);
        RETURN NULL;
      END $$`);
  }

  async down(q: QueryRunner): Promise<void> {
    await q.query(`DELETE FROM search_words a USING search_words b WHERE a.ctid > b.ctid AND a.word = b.word`);
    await q.query(`DROP INDEX IF EXISTS search_words_word_idx`);
    await q.query(`ALTER TABLE search_words ADD PRIMARY KEY (word)`);
  }
}
