import { Injectable } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import type { DataSource } from 'typeorm';
import { JobRunner } from '@crm/jobs';
import { inTransaction } from '@crm/persistence';
import { expireDueQuotes, EXPIRY_BATCH } from './expire-due-quotes';

export const QUOTE_EXPIRY_JOB = 'sales-quote-expiry';

/**
 * Expires quotes past their validUntil day on a durable schedule (pg-boss in
 * sales' database: one run per tick across replicas, retried on failure),
 * not at read time. Every 5 minutes: a quote is expired at most 5 minutes
 * after its last day ends (UTC). Each batch is its own transaction.
 */
@Injectable()
export class QuoteExpiryJob {
  constructor(
    jobs: JobRunner,
    @InjectDataSource() private readonly dataSource: DataSource,
  ) {
    jobs.register({
      name: QUOTE_EXPIRY_JOB,
      cron: '*/5 * * * *',
      policy: 'singleton',
      handler: async () => {
        await this.run(new Date());
      },
    });
  }

  /** Expires every quote due at `now`, a batch per transaction; returns how many. */
  async run(now: Date): Promise<number> {
    let total = 0;
    for (;;) {
      const n = await inTransaction(this.dataSource, (m) => expireDueQuotes(m, now));
      total += n;
      if (n < EXPIRY_BATCH) return total;
    }
  }
}
