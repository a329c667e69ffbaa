import { Injectable } from '@nestjs/common';
import { DataSource } from 'typeorm';
import { BgNbdData, fitBgNbd, type BgNbdParams } from '../models/bg-nbd';
import { fitGammaGamma, type GammaGammaParams } from '../models/gamma-gamma';
import { analyticsError } from '../shared/analytics-errors';
import { UNIT_DAYS, type ModelUnit } from '../shared/analytics-settings';

export interface ClvModel {
  model: 'bg-nbd';
  calibrationEnd: string;
  unit: ModelUnit;
  params: BgNbdParams;
  logLikelihood: number;
  customers: number;
  repeatCustomers: number;
  repeatTransactions: number;
  /** distinct (x, t_x, T) the fit ran on */
  distinctHistories: number;
  spend: { model: 'gamma-gamma'; params: GammaGammaParams; customers: number } | null;
  fittedAt: string;
}

/** Histories in days, one row per distinct (x, t_x, T) with the number of customers and their repeat spend. */
export interface HistoryRow {
  x: number;
  tx: number;
  t: number;
  n: number;
}

/**
 * Per customer at a calibration end ($1), in days: x (distinct purchase days
 * after the first), tx, t (T), repeat_minor (spend of those days), recency,
 * frequency (orders) and monetary (spend). When the end is on or after the
 * last order day the per-customer summary (customer_orders) already is that
 * history; an earlier end is computed from the orders.
 */
export function historiesSql(fromSummary: boolean): string {
  if (fromSummary)
    return `SELECT customer_id, purchase_days - 1 AS x, last_day - first_day AS tx, $1::date - first_day AS t,
                   repeat_minor, $1::date - last_day AS recency, orders AS frequency, monetary_minor AS monetary
              FROM customer_orders WHERE purchase_days > 0`;
  return `SELECT customer_id, count(*)::int - 1 AS x, max(day) - min(day) AS tx, $1::date - min(day) AS t,
                 COALESCE(sum(amount) FILTER (WHERE day > first_day), 0)::bigint AS repeat_minor,
                 $1::date - max(day) AS recency, sum(n)::int AS frequency, sum(amount)::bigint AS monetary
            FROM (SELECT customer_id, placed_day AS day, count(*) AS n, sum(total_minor - refunded_minor) AS amount,
                         min(placed_day) OVER (PARTITION BY customer_id) AS first_day
                    FROM orders
                   WHERE status <> 'cancelled' AND placed_day <= $1::date AND customer_id IS NOT NULL
                   GROUP BY customer_id, placed_day) d
           GROUP BY customer_id`;
}

/**
 * Fits BG/NBD and Gamma-Gamma over every customer with an order up to the
 * calibration end, on the distinct histories. A fit is kept in clv_fits per
 * (calibration end, unit) with the orders' watermark (the newest order
 * change) and refitted once an order changed after it.
 */
@Injectable()
export class ClvModelService {
  private readonly running = new Map<string, Promise<ClvModel>>();
  private latest: ClvModel | null = null;

  constructor(private readonly dataSource: DataSource) {}

  /** The newest model fitted in this process or found in the table, for incremental scoring. */
  async latestModel(): Promise<ClvModel | null> {
    if (this.latest) return this.latest;
    const rows: { result: ClvModel }[] = await this.dataSource.query(
      `SELECT result FROM clv_fits WHERE unit = 'week' ORDER BY fitted_at DESC LIMIT 1`,
    );
    this.latest = rows[0]?.result ?? null;
    return this.latest;
  }

  async model(calibrationEnd: string, unit: ModelUnit): Promise<ClvModel> {
    const [{ watermark }]: { watermark: Date | null }[] = await this.dataSource.query(
      `SELECT max(updated_at) AS watermark FROM orders`,
    );
    const mark = watermark?.toISOString() ?? null;
    const cached: { result: ClvModel; orders_watermark: Date | null }[] = await this.dataSource.query(
      `SELECT result, orders_watermark FROM clv_fits WHERE calibration_end = $1 AND unit = $2`,
      [calibrationEnd, unit],
    );
    if (cached[0] && (cached[0].orders_watermark?.toISOString() ?? null) === mark) return cached[0].result;
    const key = `${calibrationEnd}|${unit}|${mark}`;
    let run = this.running.get(key);
    if (!run) {
      run = this.fit(calibrationEnd, unit, mark).finally(() => this.running.delete(key));
      this.running.set(key, run);
    }
    return run;
  }

  /** Whether the summary table is the history at this end: no order is placed after it. */
  async fromSummary(calibrationEnd: string, manager: { query: DataSource['query'] } = this.dataSource) {
    const [{ last }]: { last: string | null }[] = await manager.query(
      `SELECT max(placed_day)::text AS last FROM orders`,
    );
    return !last || last <= calibrationEnd;
  }

  private async fit(calibrationEnd: string, unit: ModelUnit, mark: string | null) {
    const days = UNIT_DAYS[unit];
    const fromSummary = await this.fromSummary(calibrationEnd);
    const histories: HistoryRow[] = await this.dataSource.query(
      `SELECT x, tx, t, count(*)::int AS n FROM (${historiesSql(fromSummary)}) h WHERE t >= 0 GROUP BY x, tx, t`,
      [calibrationEnd],
    );
    if (histories.length === 0)
      throw analyticsError('CLV_MODEL_UNAVAILABLE', `No customer has an order on or before ${calibrationEnd}`);
    const data = BgNbdData.from(histories.map((h) => ({ x: h.x, tx: h.tx / days, T: h.t / days, count: h.n })));
    const bg = fitBgNbd(data);
    const spendRows: { x: number; repeat_minor: string; n: number }[] = await this.dataSource.query(
      `SELECT x, repeat_minor, count(*)::int AS n FROM (${historiesSql(fromSummary)}) h
        WHERE t >= 0 AND x > 0 AND repeat_minor > 0 GROUP BY x, repeat_minor`,
      [calibrationEnd],
    );
    const spendData = spendRows.map((r) => ({ x: r.x, mean: Number(r.repeat_minor) / r.x, count: r.n }));
    const gg = spendData.length > 0 ? fitGammaGamma(spendData) : null;
    const result: ClvModel = {
      model: 'bg-nbd',
      calibrationEnd,
      unit,
      params: bg.params,
      logLikelihood: bg.logLikelihood,
      customers: data.customers,
      repeatCustomers: data.repeatCustomers,
      repeatTransactions: data.repeatTransactions,
      distinctHistories: data.points,
      spend: gg ? { model: 'gamma-gamma', params: gg.params, customers: gg.customers } : null,
      fittedAt: new Date().toISOString(),
    };
    await this.dataSource.query(
      `INSERT INTO clv_fits (calibration_end, unit, orders_watermark, result, fitted_at) VALUES ($1, $2, $3, $4::jsonb, now())
       ON CONFLICT (calibration_end, unit) DO UPDATE SET orders_watermark = EXCLUDED.orders_watermark,
         result = EXCLUDED.result, fitted_at = EXCLUDED.fitted_at`,
      [calibrationEnd, unit, mark, JSON.stringify(result)],
    );
    if (unit === 'week') this.latest = result;
    return result;
  }
}
