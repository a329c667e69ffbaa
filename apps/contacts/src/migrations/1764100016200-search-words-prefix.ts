import type { MigrationInterface, QueryRunner } from 'typeorm';
import { createIndexConcurrently } from './1764100001000-search-at-scale';

/**
 * Completions of a word from the dictionary of search words (`hopp` ->
 * hopper, hoppe): `word LIKE 'hopp%'` read from a btree in any collation
 * (text_pattern_ops). Search puts the completions of the last word of a
 * several-word q in its full-text query as whole words, which the GIN index
 * intersects with the other words without reading every match of the
 * prefix (issue 16).
 */
export class SearchWordsPrefix1764100016200 implements MigrationInterface {
  name = 'SearchWordsPrefix1764100016200';
  transaction = false;

  async up(q: QueryRunner): Promise<void> {
    await createIndexConcurrently(q, 'search_words_prefix_idx', `search_words (word text_pattern_ops)`);
  }

  async down(q: QueryRunner): Promise<void> {
    await q.query(`DROP INDEX CONCURRENTLY IF EXISTS search_words_prefix_idx`);
  }
}
