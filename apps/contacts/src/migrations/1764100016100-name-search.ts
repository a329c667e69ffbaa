import type { MigrationInterface, QueryRunner } from 'typeorm';
import { createIndexConcurrently } from './1764100001000-search-at-scale';

/**
 * Name search from btree indexes (issue 16): a q whose words are a person's
 * first and/or last name (`lovelace`, `grace hopper`, `hopper grace`) is
 * answered from `lower(last_name)`, `lower(first_name)` or both, keyset-ordered
 * by id (newest first), reading only the rows of the page, before any
 * full-text search (whose GIN bitmap holds every match, spread over the heap).
 * The indexes are partial (active people), so the planner keeps its default
 * estimate for a name and prefers them to scanning the id index with a filter.
 * Runs outside a transaction so they are built CONCURRENTLY on a populated
 * database; on an empty one they are instant.
 */
export class NameSearch1764100016100 implements MigrationInterface {
  name = 'NameSearch1764100016100';
  transaction = false;

  async up(q: QueryRunner): Promise<void> {
    await createIndexConcurrently(
      q,
      'people_active_last_name_idx',
      `people (lower(last_name), id) WHERE status = 'active'`,
    );
    await createIndexConcurrently(
      q,
      'people_active_first_name_idx',
      `people (lower(first_name), id) WHERE status = 'active'`,
    );
    await createIndexConcurrently(
      q,
      'people_active_full_name_idx',
      `people (lower(last_name), lower(first_name), id) WHERE status = 'active'`,
    );
  }

  async down(q: QueryRunner): Promise<void> {
    await q.query(`DROP INDEX CONCURRENTLY IF EXISTS people_active_full_name_idx`);
    await q.query(`DROP INDEX CONCURRENTLY IF EXISTS people_active_first_name_idx`);
    await q.query(`DROP INDEX CONCURRENTLY IF EXISTS people_active_last_name_idx`);
  }
}
