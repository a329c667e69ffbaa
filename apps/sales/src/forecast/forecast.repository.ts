import type { EntityManager } from 'typeorm';

export interface ForecastFilter {
  from: string | null;
  to: string | null;
  pipelineId: string | null;
  ownerId: string | null;
  quarter: boolean;
  groupBy: 'none' | 'owner' | 'pipeline';
}

/** One grouped row; `grand` marks the totals row of GROUPING SETS. Sums come as numeric text. */
export interface SumRow {
  period: string | null;
  grp: string | null;
  grand: boolean;
  n: number;
  amount: string;
  weighted: string;
}

/** Multiplies minor units of each currency into minor units of the answer's currency (1 when not converting). */
export type Factors = { currency: string; factor: string }[];

/** `expr` is a timestamp without time zone (a date is cast to one, not to timestamptz, which is slower). */
function truncate(expr: string, quarter: boolean): string {
  return `date_trunc('${quarter ? 'quarter' : 'month'}', ${expr})`;
}

function label(quarter: boolean): string {
  return quarter ? `to_char(c.period, 'YYYY-"Q"Q')` : `to_char(c.period, 'YYYY-MM')`;
}

function group(g: ForecastFilter['groupBy']): string {
  return g === 'owner' ? 'd.owner_id' : g === 'pipeline' ? 'd.pipeline_id::text' : 'NULL::text';
}

/**
 * The forecast SQL. Deals are first summed per (period, group, currency,
 * stage) in plain bigint arithmetic; the factors and probabilities apply to
 * those few cells. Sums stay exact numerics and are rounded once, half up
 * (amounts are never negative, so Postgres' round() is half up), per row and
 * for the totals row computed by GROUPING SETS from the unrounded sums.
 */
/** $1: the currencies to leave out. Skips through deals_open_forecast_idx and deals_won_forecast_idx. */
export const DISTINCT_FORECAST_CURRENCIES = `
  WITH RECURSIVE o AS (
    (SELECT currency FROM deals WHERE status = 'open' ORDER BY currency LIMIT 1)
    UNION ALL
    SELECT (SELECT d.currency FROM deals d WHERE d.status = 'open' AND d.currency > o.currency ORDER BY d.currency LIMIT 1)
      FROM o WHERE o.currency IS NOT NULL
  ), w AS (
    (SELECT currency FROM deals WHERE status = 'won' ORDER BY currency LIMIT 1)
    UNION ALL
    SELECT (SELECT d.currency FROM deals d WHERE d.status = 'won' AND d.currency > w.currency ORDER BY d.currency LIMIT 1)
      FROM w WHERE w.currency IS NOT NULL
  )
  SELECT currency FROM (SELECT currency FROM o UNION SELECT currency FROM w) AS u
   WHERE currency IS NOT NULL AND currency <> ALL($1::bpchar[])
   ORDER BY 1 LIMIT 50`;

export const forecastRepository = {
  open(m: EntityManager, f: ForecastFilter, factors: Factors): Promise<SumRow[]> {
    return m.query(
      `WITH c AS (
         SELECT ${truncate('d.expected_close_date::timestamp', f.quarter)} AS period, ${group(f.groupBy)} AS grp, d.currency,
                d.stage_id, count(*) AS n, sum(d.amount) AS amount
           FROM deals d
          WHERE d.status = 'open' AND d.expected_close_date IS NOT NULL AND d.currency = ANY($6::bpchar[])
            AND ($2::date IS NULL OR d.expected_close_date >= $2::date)
            AND ($3::date IS NULL OR d.expected_close_date <= $3::date)
            AND ($4::uuid IS NULL OR d.pipeline_id = $4::uuid)
            AND ($5::text IS NULL OR d.owner_id = $5::text)
          GROUP BY 1, 2, 3, 4)
       SELECT ${label(f.quarter)} AS period, c.grp, grouping(c.period) = 1 AS grand, sum(c.n)::int AS n,
              round(sum(c.amount * x.factor))::text AS amount,
              round(sum(c.amount * s.probability * x.factor) / 100)::text AS weighted
         FROM c
         JOIN stages s ON s.id = c.stage_id
         JOIN jsonb_to_recordset($1::jsonb) AS x(currency text, factor numeric) ON x.currency = c.currency
        GROUP BY GROUPING SETS ((c.period, c.grp), ())
        ORDER BY 3, 1, 2`,
      [JSON.stringify(factors), f.from, f.to, f.pipelineId, f.ownerId, factors.map((x) => x.currency)],
    );
  },

  won(m: EntityManager, f: ForecastFilter, factors: Factors): Promise<SumRow[]> {
    return m.query(
      `WITH c AS (
         SELECT ${truncate(`(d.closed_at AT TIME ZONE 'UTC')`, f.quarter)} AS period, ${group(f.groupBy)} AS grp,
                d.currency, count(*) AS n, sum(d.amount) AS amount
           FROM deals d
          WHERE d.status = 'won' AND d.currency = ANY($6::bpchar[])
            AND ($2::date IS NULL OR d.closed_at >= ($2::date)::timestamp AT TIME ZONE 'UTC')
            AND ($3::date IS NULL OR d.closed_at < ($3::date + 1)::timestamp AT TIME ZONE 'UTC')
            AND ($4::uuid IS NULL OR d.pipeline_id = $4::uuid)
            AND ($5::text IS NULL OR d.owner_id = $5::text)
          GROUP BY 1, 2, 3)
       SELECT ${label(f.quarter)} AS period, c.grp, grouping(c.period) = 1 AS grand, sum(c.n)::int AS n,
              round(sum(c.amount * x.factor))::text AS amount, '0' AS weighted
         FROM c
         JOIN jsonb_to_recordset($1::jsonb) AS x(currency text, factor numeric) ON x.currency = c.currency
        GROUP BY GROUPING SETS ((c.period, c.grp), ())
        ORDER BY 3, 1, 2`,
      [JSON.stringify(factors), f.from, f.to, f.pipelineId, f.ownerId, factors.map((x) => x.currency)],
    );
  },

  async undatedOpen(m: EntityManager, f: ForecastFilter, currencies: string[]): Promise<number> {
    const rows: { n: number }[] = await m.query(
      `SELECT count(*)::int AS n FROM deals d
        WHERE d.status = 'open' AND d.expected_close_date IS NULL AND d.currency = ANY($1::bpchar[])
          AND ($2::uuid IS NULL OR d.pipeline_id = $2::uuid) AND ($3::text IS NULL OR d.owner_id = $3::text)`,
      [currencies, f.pipelineId, f.ownerId],
    );
    return rows[0].n;
  },

  /**
   * Currencies of open or won deals that have no rate (the base and target need none): the distinct
   * currencies read by skipping through the two forecast indexes, one probe per currency, not a scan.
   */
  async currenciesWithout(m: EntityManager, known: string[]): Promise<string[]> {
    const rows: { currency: string }[] = await m.query(DISTINCT_FORECAST_CURRENCIES, [known]);
    return rows.map((r) => r.currency);
  },

  rates(m: EntityManager): Promise<{ currency: string; rate: string }[]> {
    return m.query(`SELECT currency, rate::text AS rate FROM currency_rates`);
  },
};
