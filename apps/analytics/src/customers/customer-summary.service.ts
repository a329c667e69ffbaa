import { Injectable } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import type { DataSource } from 'typeorm';

export const SUMMARY_DIMENSIONS = {
  lifecycleStage: 'lifecycle_stage',
  country: 'country',
  acquisitionChannel: 'acquisition_channel',
} as const;

export type SummaryDimension = keyof typeof SUMMARY_DIMENSIONS;

export interface CustomerSummary {
  total: number;
  byLifecycleStage: Record<string, number>;
  byCountry: Record<string, number>;
  byAcquisitionChannel: Record<string, number>;
  asOf: string;
}

export interface CustomerFactsView {
  contactId: string;
  version: number;
  lifecycleStage: string | null;
  country: string | null;
  acquisitionChannel: string | null;
  status: string;
  becameCustomerAt: string | null;
}

const UNKNOWN = 'unknown';

/** Counts over customer_facts; merged-away contacts are not counted, erased ones keep their non-personal facts. */
@Injectable()
export class CustomerSummaryService {
  constructor(@InjectDataSource() private readonly dataSource: DataSource) {}

  async summary(): Promise<CustomerSummary> {
    const rows: { dim: string; key: string | null; n: number }[] = await this.dataSource.query(`
      SELECT 'lifecycleStage' AS dim, lifecycle_stage AS key, count(*)::int AS n FROM customer_facts WHERE status <> 'merged' GROUP BY lifecycle_stage
      UNION ALL
      SELECT 'country', country, count(*)::int FROM customer_facts WHERE status <> 'merged' GROUP BY country
      UNION ALL
      SELECT 'acquisitionChannel', acquisition_channel, count(*)::int FROM customer_facts WHERE status <> 'merged' GROUP BY acquisition_channel`);
    const out: CustomerSummary = {
      total: 0,
      byLifecycleStage: {},
      byCountry: {},
      byAcquisitionChannel: {},
      asOf: new Date().toISOString(),
    };
    const target = {
      lifecycleStage: out.byLifecycleStage,
      country: out.byCountry,
      acquisitionChannel: out.byAcquisitionChannel,
    };
    for (const r of rows) {
      target[r.dim as SummaryDimension][r.key ?? UNKNOWN] = r.n;
      if (r.dim === 'lifecycleStage') out.total += r.n;
    }
    return out;
  }

  async countBy(
    dimension: SummaryDimension,
  ): Promise<{ dimension: SummaryDimension; total: number; counts: Record<string, number> }> {
    const column = SUMMARY_DIMENSIONS[dimension];
    const rows: { key: string | null; n: number }[] = await this.dataSource.query(
      `SELECT ${column} AS key, count(*)::int AS n FROM customer_facts WHERE status <> 'merged' GROUP BY 1 ORDER BY 2 DESC`,
    );
    const counts: Record<string, number> = {};
    let total = 0;
    for (const r of rows) {
      counts[r.key ?? UNKNOWN] = r.n;
      total += r.n;
    }
    return { dimension, total, counts };
  }

  async facts(contactId: string): Promise<CustomerFactsView | null> {
    const rows: {
      contact_id: string;
      version: number;
      lifecycle_stage: string | null;
      country: string | null;
      acquisition_channel: string | null;
      status: string;
      became_customer_at: Date | null;
    }[] = await this.dataSource.query(`SELECT * FROM customer_facts WHERE contact_id = $1`, [contactId]);
    const r = rows[0];
    if (!r) return null;
    return {
      contactId: r.contact_id,
      version: r.version,
      lifecycleStage: r.lifecycle_stage,
      country: r.country,
      acquisitionChannel: r.acquisition_channel,
      status: r.status,
      becameCustomerAt: r.became_customer_at?.toISOString() ?? null,
    };
  }
}
