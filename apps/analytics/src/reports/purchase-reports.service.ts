import { Injectable } from '@nestjs/common';
import { DataSource } from 'typeorm';
import { customerConditions } from '../shared/report-query.dto';
import type { CohortQueryDto, TrendDimension, TrendQueryDto } from './dto/report-queries.dto';
import { growth, monthKey, monthsBetween, reportRange, shiftMonth } from './report-range';

const MONTH_INDEX = (col: string) => `(extract(year FROM ${col})::int * 12 + extract(month FROM ${col})::int)`;

const AGE_BAND = `CASE WHEN f.birth_year IS NULL THEN NULL
  WHEN extract(year FROM o.placed_day) - f.birth_year < 25 THEN '<25'
  WHEN extract(year FROM o.placed_day) - f.birth_year < 35 THEN '25-34'
  WHEN extract(year FROM o.placed_day) - f.birth_year < 45 THEN '35-44'
  WHEN extract(year FROM o.placed_day) - f.birth_year < 55 THEN '45-54'
  WHEN extract(year FROM o.placed_day) - f.birth_year < 65 THEN '55-64'
  ELSE '65+' END`;

const DIMENSION_SQL: Record<Exclude<TrendDimension, 'category'>, string> = {
  ageBand: AGE_BAND,
  country: 'f.country',
  region: 'f.region',
  city: 'f.city',
  acquisitionChannel: 'f.acquisition_channel',
  lifecycleStage: 'f.lifecycle_stage',
  salesChannel: 'o.channel',
};

/** Cohorts and purchase habits by demographics, from orders joined to the customer facts. */
@Injectable()
export class PurchaseReportsService {
  constructor(private readonly dataSource: DataSource) {}

  /**
   * Customers grouped by the month of their first order (or of their
   * acquisition: contact created), then per month since: the share with an
   * order that month (retention), those customers and their revenue.
   */
  async cohorts(q: CohortQueryDto) {
    const { from, to } = reportRange(q);
    const months = q.months ?? 12;
    const by = q.by ?? 'firstOrder';
    const params: unknown[] = [from, to, months];
    const where = customerConditions(q, params);
    const base =
      by === 'firstOrder'
        ? `SELECT co.customer_id, date_trunc('month', co.first_day)::date AS cohort
             FROM customer_orders co LEFT JOIN customer_facts f ON f.contact_id = co.customer_id
            WHERE co.purchase_days > 0 AND co.first_day BETWEEN $1::date AND $2::date`
        : `SELECT f.contact_id AS customer_id, date_trunc('month', f.contact_created_at AT TIME ZONE 'UTC')::date AS cohort
             FROM customer_facts f
            WHERE f.status <> 'merged' AND (f.contact_created_at AT TIME ZONE 'UTC')::date BETWEEN $1::date AND $2::date`;
    const rows: { cohort: string; k: number | null; size: number; active: number; revenue: string }[] =
      await this.dataSource.query(
        `WITH c AS (${base} ${where.length ? `AND ${where.join(' AND ')}` : ''}),
              sizes AS (SELECT cohort, count(*)::int AS size FROM c GROUP BY cohort),
              a AS (
                SELECT c.cohort, ${MONTH_INDEX('o.placed_day')} - ${MONTH_INDEX('c.cohort')} AS k,
                       count(DISTINCT o.customer_id)::int AS active, sum(o.total_minor - o.refunded_minor)::bigint AS revenue
                  FROM c JOIN orders o ON o.customer_id = c.customer_id AND o.status <> 'cancelled'
                 GROUP BY 1, 2)
         SELECT to_char(s.cohort, 'YYYY-MM') AS cohort, a.k, s.size, COALESCE(a.active, 0) AS active,
                COALESCE(a.revenue, 0)::text AS revenue
           FROM sizes s LEFT JOIN a ON a.cohort = s.cohort AND a.k >= 0 AND a.k < $3
          ORDER BY 1, 2`,
        params,
      );
    const cohorts = new Map<string, { cohort: string; customers: number; active: number[]; revenueMinor: number[] }>();
    for (const r of rows) {
      let c = cohorts.get(r.cohort);
      if (!c) {
        c = {
          cohort: r.cohort,
          customers: r.size,
          active: new Array<number>(months).fill(0),
          revenueMinor: new Array<number>(months).fill(0),
        };
        cohorts.set(r.cohort, c);
      }
      if (r.k !== null) {
        c.active[r.k] = r.active;
        c.revenueMinor[r.k] = Number(r.revenue);
      }
    }
    return {
      by,
      from,
      to,
      months,
      cohorts: [...cohorts.values()].map((c) => ({
        ...c,
        retention: c.active.map((n) => (c.customers ? n / c.customers : 0)),
      })),
    };
  }

  /**
   * Revenue, orders, customers, average order value and orders per customer
   * by one dimension over the range, and the monthly series with growth
   * against the previous month and the same month a year before.
   */
  async trends(q: TrendQueryDto) {
    const { from, to } = reportRange(q);
    const dimension = q.dimension ?? 'country';
    const params: unknown[] = [from, to];
    const where = customerConditions(q, params);
    const filters = where.length ? `AND ${where.join(' AND ')}` : '';
    const category = dimension === 'category';
    const key = category ? `p.category` : DIMENSION_SQL[dimension];
    const amount = category
      ? `((l->>'totalMinor')::bigint - COALESCE((l->>'refundedMinor')::bigint, 0))`
      : `(o.total_minor - o.refunded_minor)`;
    const join = category
      ? `CROSS JOIN LATERAL jsonb_array_elements(o.lines) l LEFT JOIN products p ON p.product_id = (l->>'productId')::uuid`
      : '';
    const orders = `FROM orders o LEFT JOIN customer_facts f ON f.contact_id = o.customer_id ${join}
                    WHERE o.status <> 'cancelled' ${filters}`;
    const [groups, series]: [
      { key: string | null; revenue: string; orders: number; customers: number }[],
      { month: string; revenue: string; orders: number; customers: number }[],
    ] = await Promise.all([
      this.dataSource.query(
        `SELECT ${key} AS key, sum(${amount})::text AS revenue, count(DISTINCT o.order_id)::int AS orders,
                count(DISTINCT o.customer_id)::int AS customers
           ${orders} AND o.placed_day BETWEEN $1::date AND $2::date
          GROUP BY 1 ORDER BY sum(${amount}) DESC NULLS LAST`,
        params,
      ),
      this.dataSource.query(
        `SELECT to_char(date_trunc('month', o.placed_day), 'YYYY-MM') AS month, sum(${amount})::text AS revenue,
                count(DISTINCT o.order_id)::int AS orders, count(DISTINCT o.customer_id)::int AS customers
           ${orders} AND o.placed_day BETWEEN (date_trunc('month', $1::date) - interval '1 year')::date AND $2::date
          GROUP BY 1 ORDER BY 1`,
        params,
      ),
    ]);
    const figures = (revenue: number, orderCount: number, customers: number) => ({
      revenueMinor: revenue,
      orders: orderCount,
      customers,
      averageOrderMinor: orderCount ? Math.round(revenue / orderCount) : null,
      ordersPerCustomer: customers ? orderCount / customers : null,
    });
    const byMonth = new Map(series.map((s) => [s.month, s]));
    const revenueOf = (m: string) => (byMonth.has(m) ? Number(byMonth.get(m)?.revenue) : undefined);
    const ordersOf = (m: string) => byMonth.get(m)?.orders;
    return {
      dimension,
      from,
      to,
      groups: groups.map((g) => ({ key: g.key ?? 'unknown', ...figures(Number(g.revenue), g.orders, g.customers) })),
      series: monthsBetween(from, to).map((month) => {
        const s = byMonth.get(month);
        const revenue = Number(s?.revenue ?? 0);
        const count = s?.orders ?? 0;
        return {
          month: monthKey(`${month}-01`),
          ...figures(revenue, count, s?.customers ?? 0),
          revenueGrowth: {
            previousPeriod: growth(revenue, revenueOf(shiftMonth(month, -1))),
            sameMonthLastYear: growth(revenue, revenueOf(shiftMonth(month, -12))),
          },
          ordersGrowth: {
            previousPeriod: growth(count, ordersOf(shiftMonth(month, -1))),
            sameMonthLastYear: growth(count, ordersOf(shiftMonth(month, -12))),
          },
        };
      }),
    };
  }
}
