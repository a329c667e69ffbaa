import type { DataSource, EntityManager } from 'typeorm';
import { DomainError } from '@crm/platform';

/** serialization_failure and deadlock_detected: Postgres rolled the transaction back and it may simply be run again. */
const RETRYABLE = new Set(['40001', '40P01']);
/** lock_not_available, query_canceled (statement/lock timeout), too_many_connections. */
const UNAVAILABLE = new Set(['55P03', '57014', '53300']);

export interface TransactionOptions {
  /** Runs after the first (default 4, so 5 attempts in all). */
  retries?: number;
  /** Base of the jittered, doubling pause between attempts (default 10 ms). */
  backoffMs?: number;
}

function sqlState(error: unknown): string | undefined {
  const code = (error as { code?: unknown } | null)?.code;
  return typeof code === 'string' ? code : undefined;
}

const pause = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

/**
 * Runs `work` in one transaction, running it again (bounded, with jittered
 * backoff) when Postgres aborts it for a deadlock or a serialisation failure.
 * `work` must do nothing outside the transaction that a retry would repeat.
 * What is left after the retries is a 409 `CONCURRENT_UPDATE` to retry later;
 * a lock or statement timeout is a 503 `DATABASE_BUSY`; never a 500.
 */
export async function inTransaction<T>(
  dataSource: DataSource,
  work: (m: EntityManager) => Promise<T>,
  options: TransactionOptions = {},
): Promise<T> {
  const retries = options.retries ?? 4;
  const backoffMs = options.backoffMs ?? 10;
  for (let attempt = 0; ; attempt++) {
    try {
      return await dataSource.transaction(work);
    } catch (error) {
      const state = sqlState(error);
      if (state && RETRYABLE.has(state)) {
        if (attempt < retries) {
          await pause(backoffMs * 2 ** attempt * (0.5 + Math.random()));
          continue;
        }
        throw new DomainError(
          'CONCURRENT_UPDATE',
          `Other changes to the same records kept getting in the way (${attempt + 1} attempts); retry the request`,
          'conflict',
          {
            retryable: true,
          },
        );
      }
      if (state && UNAVAILABLE.has(state)) {
        throw new DomainError('DATABASE_BUSY', 'The database is too busy to answer now; retry shortly', 'unavailable', {
          retryable: true,
        });
      }
      throw error;
    }
  }
}
