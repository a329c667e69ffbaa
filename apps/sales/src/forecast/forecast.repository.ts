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

function period(expr: string, quarter: boolean): string {
  return quarter ? `to_char(${expr}, 'YYYY-"Q"Q')` : `to_char(${expr}, 'YYYY-MM')`;
}

function group(g: ForecastFilter['groupBy']): string {
  return g === 'owner' ? 'd.owner_id' : g === 'pipeline' ? 'd.pipeline_id::text' : 'NULL::text';
}

/**
 * The forecast SQL. Sums stay exact numerics and are rounded once, half up
 * (amounts are never negative, so Postgres' round() is half up), per row and
 * for the totals row computed by GROUPING SETS from the unrounded sums.
 */
export const forecastRepository = {
  open(m: EntityManager, f: ForecastFilter, factors: Factors): Promise<SumRow[]> {
    const p = period('d.expected_close_date', f.quarter);
    return m.query(
      `SELECT ${p} AS period, ${group(f.groupBy)} AS grp, grouping(${p}) = 1 AS grand, count(*)::int AS n,
              round(sum(d.amount * x.factor))::text AS amount,
              round(sum(d.amount * s.probability * x.factor) / 100)::text AS weighted
         FROM deals d
         JOIN stages s ON s.id = d.stage_id
         JOIN jsonb_to_recordset($1::jsonb) AS x(currency text, factor numeric) ON x.currency = d.currency
        WHERE d.status = 'open' AND d.expected_close_date IS NOT NULL
          AND ($2::date IS NULL OR d.expected_close_date >= $2::date)
          AND ($3::date IS NULL OR d.expected_close_date <= $3::date)
          AND ($4::uuid IS NULL OR d.pipeline_id = $4::uuid)
          AND ($5::text IS NULL OR d.owner_id = $5::text)
        GROUP BY GROUPING SETS ((${p}, ${group(f.groupBy)}), ())
        ORDER BY 3, 1, 2`,
      [JSON.stringify(factors), f.from, f.to, f.pipelineId, f.ownerId],
    );
  },

  won(m: EntityManager, f: ForecastFilter, factors: Factors): Promise<SumRow[]> {
    const p = period(`(d.closed_at AT TIME ZONE 'UTC')`, f.quarter);
    return m.query(
      `SELECT ${p} AS period, ${group(f.groupBy)} AS grp, grouping(${p}) = 1 AS grand, count(*)::int AS n,
              round(sum(d.amount * x.factor))::text AS amount, '0' AS weighted
         FROM deals d
         JOIN jsonb_to_recordset($1::jsonb) AS x(currency text, factor numeric) ON x.currency = d.currency
        WHERE d.status = 'won'
          AND ($2::date IS NULL OR d.closed_at >= ($2::date)::timestamp AT TIME ZONE 'UTC')
          AND ($3::date IS NULL OR d.closed_at < ($3::date + 1)::timestamp AT TIME ZONE 'UTC')
          AND ($4::uuid IS NULL OR d.pipeline_id = $4::uuid)
          AND ($5::text IS NULL OR d.owner_id = $5::text)
        GROUP BY GROUPING SETS ((${p}, ${group(f.groupBy)}), ())
        ORDER BY 3, 1, 2`,
      [JSON.stringify(factors), f.from, f.to, f.pipelineId, f.ownerId],
    );
  },

  async undatedOpen(m: EntityManager, f: ForecastFilter, currencies: string[]): Promise<number> {
    const rows: { n: number }[] = await m.query(
      `SELECT count(*)::int AS n FROM deals d
        WHERE d.status = 'open' AND d.expected_close_date IS NULL AND d.currency = ANY($1)
          AND ($2::uuid IS NULL OR d.pipeline_id = $2::uuid) AND ($3::text IS NULL OR d.owner_id = $3::text)`,
      [currencies, f.pipelineId, f.ownerId],
    );
    return rows[0].n;
  },

  /** Currencies of open or won deals that have no rate (the base and target need none). */
  async currenciesWithout(m: EntityManager, known: string[]): Promise<string[]> {
    const rows: { currency: string }[] = await m.query(
      `SELECT DISTINCT currency FROM deals WHERE status IN ('open', 'won') AND currency <> ALL($1) ORDER BY 1 LIMIT 50`,
      [known],
    );
    return rows.map((r) => r.currency);
  },

  rates(m: EntityManager): Promise<{ currency: string; rate: string }[]> {
    return m.query(`SELECT currency, rate::text AS rate FROM currency_rates`);
  },
};
