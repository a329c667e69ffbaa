import { Injectable } from '@nestjs/common';
import { DataSource } from 'typeorm';
import { RFM_SEGMENTS } from '../models/rfm';
import { customerConditions, type ReportFiltersDto } from '../shared/report-query.dto';

function scoreWhere(q: ReportFiltersDto, params: unknown[]): string {
  const where = customerConditions(q, params).map((w) => w.replaceAll('f.contact_id', 'c.customer_id'));
  if (q.from) {
    params.push(q.from);
    where.push(`c.calibration_end - c.recency_days >= $${params.length}::date`);
  }
  if (q.to) {
    params.push(q.to);
    where.push(`c.calibration_end - c.recency_days <= $${params.length}::date`);
  }
  return where.length ? `WHERE ${where.join(' AND ')}` : '';
}

/** Reports over customer_scores (the last full recompute plus incremental updates). */
@Injectable()
export class ScoreReportsService {
  constructor(private readonly dataSource: DataSource) {}

  /** Customers, spend and mean scores per segment, and counts per R, F and M score; from/to bound the last purchase. */
  async rfmDistribution(q: ReportFiltersDto) {
    const params: unknown[] = [];
    const where = scoreWhere(q, params);
    const from = (join = '') =>
      `FROM customer_scores c LEFT JOIN customer_facts f ON f.contact_id = c.customer_id ${join} ${where}`;
    const [segments, scores]: [
      { segment: string; n: number; monetary: string; recency: number; frequency: number }[],
      { dim: string; score: number; n: number }[],
    ] = await Promise.all([
      this.dataSource.query(
        `SELECT c.segment, count(*)::int AS n, sum(c.monetary_minor)::text AS monetary,
                avg(c.recency_days)::float8 AS recency, avg(c.frequency)::float8 AS frequency
           ${from()} GROUP BY c.segment`,
        params,
      ),
      this.dataSource.query(
        `SELECT d.dim, d.score, count(*)::int AS n
           ${from(`CROSS JOIN LATERAL (VALUES ('r', c.r), ('f', c.f), ('m', c.m)) AS d(dim, score)`)}
          GROUP BY d.dim, d.score`,
        params,
      ),
    ]);
    const total = segments.reduce((s, r) => s + r.n, 0);
    const bySegment = Object.fromEntries(
      RFM_SEGMENTS.map((name) => {
        const r = segments.find((s) => s.segment === name);
        return [
          name,
          {
            customers: r?.n ?? 0,
            share: total ? (r?.n ?? 0) / total : 0,
            monetaryMinor: Number(r?.monetary ?? 0),
            meanRecencyDays: r?.recency ?? null,
            meanFrequency: r?.frequency ?? null,
          },
        ];
      }),
    );
    const byScore = (dim: string) =>
      Object.fromEntries([1, 2, 3, 4, 5].map((s) => [s, scores.find((x) => x.dim === dim && x.score === s)?.n ?? 0]));
    const [cut]: { calibration_end: string; computed_at: Date }[] = await this.dataSource.query(
      `SELECT calibration_end::text, computed_at FROM rfm_cutpoints WHERE id = 1`,
    );
    return {
      customers: total,
      calibrationEnd: cut?.calibration_end ?? null,
      computedAt: cut?.computed_at?.toISOString() ?? null,
      segments: bySegment,
      scores: { r: byScore('r'), f: byScore('f'), m: byScore('m') },
    };
  }

  /** Deciles and totals of the customers' CLV, and their mean P(alive) and churn risk. */
  async clvDistribution(q: ReportFiltersDto) {
    const params: unknown[] = [];
    const where = scoreWhere(q, params);
    const [row]: {
      n: number;
      total: string | null;
      mean: number | null;
      deciles: number[] | null;
      p_alive: number | null;
      churn: number | null;
    }[] = await this.dataSource.query(
      `SELECT count(c.clv_minor)::int AS n, sum(c.clv_minor)::text AS total, avg(c.clv_minor)::float8 AS mean,
              percentile_cont(ARRAY[0.1,0.2,0.3,0.4,0.5,0.6,0.7,0.8,0.9,1.0]) WITHIN GROUP (ORDER BY c.clv_minor) AS deciles,
              avg(c.p_alive)::float8 AS p_alive, avg(c.churn_risk)::float8 AS churn
         FROM customer_scores c LEFT JOIN customer_facts f ON f.contact_id = c.customer_id
         ${where ? `${where} AND` : 'WHERE'} c.clv_minor IS NOT NULL`,
      params,
    );
    return {
      customers: row.n,
      totalClvMinor: Number(row.total ?? 0),
      meanClvMinor: row.mean,
      deciles: (row.deciles ?? []).map((d) => Math.round(d)),
      meanPAlive: row.p_alive,
      meanChurnRisk: row.churn,
    };
  }

  async top(q: ReportFiltersDto & { limit?: number }) {
    const params: unknown[] = [];
    const where = scoreWhere(q, params);
    params.push(q.limit ?? 50);
    const rows: {
      customer_id: string;
      clv_minor: string;
      p_alive: number;
      churn_risk: number;
      segment: string;
      expected_purchases: number;
    }[] = await this.dataSource.query(
      `SELECT c.customer_id, c.clv_minor::text, c.p_alive, c.churn_risk, c.segment, c.expected_purchases
         FROM customer_scores c LEFT JOIN customer_facts f ON f.contact_id = c.customer_id
         ${where ? `${where} AND` : 'WHERE'} c.clv_minor IS NOT NULL
        ORDER BY c.clv_minor DESC NULLS LAST, c.customer_id LIMIT $${params.length}`,
      params,
    );
    return {
      items: rows.map((r) => ({
        customerId: r.customer_id,
        clvMinor: Number(r.clv_minor),
        pAlive: r.p_alive,
        churnRisk: r.churn_risk,
        segment: r.segment,
        expectedPurchases: r.expected_purchases,
      })),
    };
  }

  async customerScores(customerId: string) {
    const rows: Record<string, unknown>[] = await this.dataSource.query(
      `SELECT customer_id AS "customerId", calibration_end::text AS "calibrationEnd", recency_days AS "recencyDays",
              frequency, monetary_minor::float8 AS "monetaryMinor", r, f, m, segment, p_alive AS "pAlive",
              expected_purchases AS "expectedPurchases", clv_minor::float8 AS "clvMinor", churn_risk AS "churnRisk",
              updated_at AS "updatedAt"
         FROM customer_scores WHERE customer_id = $1`,
      [customerId],
    );
    return rows[0] ?? null;
  }
}
