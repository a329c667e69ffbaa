import { Histogram } from 'prom-client';
import { metricsRegistry } from '@crm/platform';

/** Time of each statement a batch handler runs, by statement (the bench reads it from /metrics). */
const statementSeconds = new Histogram({
  name: 'analytics_ingest_statement_seconds',
  help: 'Statements of the batch handlers (order upsert, customer locks, summaries, scores), by statement',
  labelNames: ['statement'],
  buckets: [0.001, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5],
  registers: [metricsRegistry],
});

/** Runs `fn`, recording how long it took under `statement`. */
export async function timed<T>(statement: string, fn: () => Promise<T>): Promise<T> {
  const end = statementSeconds.startTimer({ statement });
  try {
    return await fn();
  } finally {
    end();
  }
}
