import { Inject, Injectable } from '@nestjs/common';
import { DataSource, type EntityManager } from 'typeorm';
import { ANALYTICS_EVENTS, type CustomerScoredPayload } from '@crm/contracts';
import { EventPublisher } from '@crm/messaging';
import { inTransaction } from '@crm/persistence';
import { segmentFor, segmentSqlCase } from '../models/rfm';
import { ANALYTICS_SETTINGS, todayUtc, type AnalyticsSettings } from '../shared/analytics-settings';
import { ClvModelService, historiesSql, type ClvModel } from './clv-model.service';
import {
  historyFigures,
  publishedKey,
  PUBLISHED_KEY_SQL,
  scoreAgainst,
  spendPerTransaction,
  type ScoreOptions,
} from './score-values';

interface ScoreRow {
  customer_id: string;
  calibration_end: string;
  recency_days: number;
  frequency: number;
  monetary_minor: string;
  r: number;
  f: number;
  m: number;
  segment: string;
  p_alive: number | null;
  expected_purchases: number | null;
  clv_minor: string | null;
  churn_risk: number | null;
}

export interface RecomputeResult {
  calibrationEnd: string;
  customers: number;
  published: number;
  timings: { fitMs: number; scoresMs: number; publishMs: number };
}

const CUTPOINTS_TTL_MS = 30_000;
const PUBLISH_BATCH = 500;

/**
 * RFM and model scores per customer (customer_scores): fully recomputed on
 * demand in set-based SQL (quintiles by cume_dist, model figures per distinct
 * history joined in), and incrementally for one customer when its orders
 * change, against the cut points and model of the last full run. A change of
 * what marketing segments on publishes crm.analytics.customer.scored.
 */
@Injectable()
export class CustomerScoring {
  private cut: { at: number; value: { recency: number[]; frequency: number[]; monetary: number[] } | null } | null =
    null;

  constructor(
    private readonly dataSource: DataSource,
    private readonly models: ClvModelService,
    private readonly events: EventPublisher,
    @Inject(ANALYTICS_SETTINGS) private readonly settings: AnalyticsSettings,
  ) {}

  private get options(): ScoreOptions {
    return {
      horizonWeeks: this.settings.ANALYTICS_SCORE_HORIZON_WEEKS,
      annualDiscountRate: this.settings.ANALYTICS_ANNUAL_DISCOUNT_RATE,
      churnWindowDays: this.settings.ANALYTICS_CHURN_WINDOW_DAYS,
    };
  }

  async recomputeAll(calibrationEnd = todayUtc(), publish = true): Promise<RecomputeResult> {
    const t0 = Date.now();
    let model: ClvModel | null = null;
    try {
      model = await this.models.model(calibrationEnd, 'week');
    } catch {
      model = null; // no orders yet: RFM only
    }
    const t1 = Date.now();
    const fromSummary = await this.models.fromSummary(calibrationEnd);
    const histories = historiesSql(fromSummary);
    const customers = await inTransaction(this.dataSource, async (m) => {
      await m.query(`CREATE TEMP TABLE history_figures
        (x int, tx int, t int, p_alive float8, expected float8, discounted float8, churn float8,
         PRIMARY KEY (x, tx, t)) ON COMMIT DROP`);
      if (model) {
        const combos: { x: number; tx: number; t: number }[] = await m.query(
          `SELECT DISTINCT x, tx, t FROM (${histories}) h WHERE t >= 0`,
          [calibrationEnd],
        );
        const cols: number[][] = [[], [], [], [], [], [], []];
        for (const c of combos) {
          const v = historyFigures(model, c, this.options);
          [c.x, c.tx, c.t, v.pAlive, v.expectedPurchases, v.discountedPurchases, v.churnRisk].forEach((n, i) =>
            cols[i].push(n),
          );
        }
        await m.query(
          `INSERT INTO history_figures SELECT * FROM unnest($1::int[], $2::int[], $3::int[], $4::float8[], $5::float8[], $6::float8[], $7::float8[])`,
          cols,
        );
        // Without statistics the planner takes the temp table for tiny and joins it row by row.
        await m.query(`ANALYZE history_figures`);
      }
      const gg = model?.spend?.params;
      const spendSql = gg
        ? `CASE WHEN s.x > 0 AND s.repeat_minor > 0 THEN ${gg.p} * (${gg.v} + s.repeat_minor) / (${gg.p} * s.x + ${gg.q} - 1)
                ELSE ${gg.q > 1 ? `${gg.p} * ${gg.v} / (${gg.q} - 1)` : 'NULL'} END`
        : 'NULL';
      const [{ n }]: { n: number }[] = await m.query(
        `WITH s AS (SELECT * FROM (${histories}) h WHERE h.t >= 0), q AS (
           SELECT s.*, ceil(5 * cume_dist() OVER (ORDER BY recency DESC) - 1e-9)::int AS r,
                  ceil(5 * cume_dist() OVER (ORDER BY frequency) - 1e-9)::int AS f,
                  ceil(5 * cume_dist() OVER (ORDER BY monetary) - 1e-9)::int AS m
             FROM s
         ), ins AS (
           INSERT INTO customer_scores (customer_id, calibration_end, recency_days, frequency, monetary_minor, r, f, m,
                                        segment, p_alive, expected_purchases, clv_minor, churn_risk, updated_at)
           SELECT q.customer_id, $1::date, q.recency, q.frequency, q.monetary, q.r, q.f, q.m, ${segmentSqlCase('q.r', 'q.f')},
                  hf.p_alive, hf.expected, round(hf.discounted * (${spendSql.replaceAll('s.', 'q.')}))::bigint, hf.churn, now()
             FROM q LEFT JOIN history_figures hf ON hf.x = q.x AND hf.tx = q.tx AND hf.t = q.t
           ON CONFLICT (customer_id) DO UPDATE SET calibration_end = EXCLUDED.calibration_end,
             recency_days = EXCLUDED.recency_days, frequency = EXCLUDED.frequency, monetary_minor = EXCLUDED.monetary_minor,
             r = EXCLUDED.r, f = EXCLUDED.f, m = EXCLUDED.m, segment = EXCLUDED.segment, p_alive = EXCLUDED.p_alive,
             expected_purchases = EXCLUDED.expected_purchases, clv_minor = EXCLUDED.clv_minor,
             churn_risk = EXCLUDED.churn_risk, updated_at = EXCLUDED.updated_at
           RETURNING 1)
         SELECT count(*)::int AS n FROM ins`,
        [calibrationEnd],
      );
      // Customers without a purchase by the calibration end (any more) have no scores.
      await m.query(`DELETE FROM customer_scores WHERE calibration_end <> $1::date`, [calibrationEnd]);
      await m.query(
        `INSERT INTO rfm_cutpoints (id, calibration_end, recency, frequency, monetary, computed_at)
         SELECT 1, $1::date,
                ARRAY(SELECT max(-recency_days) FROM generate_series(1, 5) g LEFT JOIN customer_scores c ON c.r = g GROUP BY g ORDER BY g),
                ARRAY(SELECT max(frequency) FROM generate_series(1, 5) g LEFT JOIN customer_scores c ON c.f = g GROUP BY g ORDER BY g),
                ARRAY(SELECT max(monetary_minor) FROM generate_series(1, 5) g LEFT JOIN customer_scores c ON c.m = g GROUP BY g ORDER BY g),
                now()
         ON CONFLICT (id) DO UPDATE SET calibration_end = EXCLUDED.calibration_end, recency = EXCLUDED.recency,
           frequency = EXCLUDED.frequency, monetary = EXCLUDED.monetary, computed_at = EXCLUDED.computed_at`,
        [calibrationEnd],
      );
      return n;
    });
    this.cut = null;
    const t2 = Date.now();
    const published = publish ? await this.publishChanged() : 0;
    return {
      calibrationEnd,
      customers,
      published,
      timings: { fitMs: t1 - t0, scoresMs: t2 - t1, publishMs: Date.now() - t2 },
    };
  }

  /** Publishes a scored event for every score whose published key moved, in batches, each with its marks. */
  private async publishChanged(): Promise<number> {
    let total = 0;
    for (;;) {
      const n = await inTransaction(this.dataSource, async (m) => {
        const rows: (ScoreRow & { key: string })[] = await m.query(
          `SELECT *, calibration_end::text AS calibration_end, ${PUBLISHED_KEY_SQL} AS key FROM customer_scores
            WHERE published_hash IS DISTINCT FROM (${PUBLISHED_KEY_SQL})
            ORDER BY customer_id LIMIT ${PUBLISH_BATCH} FOR UPDATE SKIP LOCKED`,
        );
        if (rows.length === 0) return 0;
        await this.events.publishAll(
          m,
          rows.map((r) => this.scoredEvent(r)),
        );
        await m.query(
          `UPDATE customer_scores c SET published_hash = v.key FROM unnest($1::uuid[], $2::text[]) AS v(id, key)
            WHERE c.customer_id = v.id`,
          [rows.map((r) => r.customer_id), rows.map((r) => r.key)],
        );
        return rows.length;
      });
      total += n;
      if (n < PUBLISH_BATCH) return total;
    }
  }

  private scoredEvent(r: ScoreRow) {
    const data: CustomerScoredPayload = {
      customerId: r.customer_id,
      calibrationEnd: r.calibration_end,
      recencyDays: r.recency_days,
      frequency: r.frequency,
      monetaryMinor: Number(r.monetary_minor),
      rfm: { r: r.r, f: r.f, m: r.m },
      segment: r.segment,
      pAlive: r.p_alive,
      expectedPurchases: r.expected_purchases,
      clvMinor: r.clv_minor === null ? null : Number(r.clv_minor),
      churnRisk: r.churn_risk,
      horizonWeeks: this.settings.ANALYTICS_SCORE_HORIZON_WEEKS,
      scoredAt: new Date().toISOString(),
    };
    return { type: ANALYTICS_EVENTS.customerScored, subject: r.customer_id, version: 1, data };
  }

  private async cutpoints(manager: EntityManager) {
    if (this.cut && Date.now() - this.cut.at < CUTPOINTS_TTL_MS) return this.cut.value;
    const rows: { recency: (number | null)[]; frequency: (number | null)[]; monetary: (string | null)[] }[] =
      await manager.query(`SELECT recency, frequency, monetary FROM rfm_cutpoints WHERE id = 1`);
    const r = rows[0];
    const value = r
      ? {
          recency: r.recency.map((v) => (v === null ? Number.NaN : v)),
          frequency: r.frequency.map((v) => (v === null ? Number.NaN : v)),
          monetary: r.monetary.map((v) => (v === null ? Number.NaN : Number(v))),
        }
      : null;
    this.cut = { at: Date.now(), value };
    return value;
  }

  /**
   * Queues customers whose orders changed for re-scoring, in the transaction
   * of the change (so a queued customer is never lost, nor one whose change
   * rolled back queued); the queue worker re-scores them within
   * ANALYTICS_RESCORE_EVERY_MS. Nothing before the first full run, nothing
   * with ANALYTICS_RESCORE_ON_ORDER off.
   */
  async queueRescore(manager: EntityManager, customerIds: readonly string[]): Promise<void> {
    if (this.settings.ANALYTICS_RESCORE_ON_ORDER !== 'true') return;
    const ids = [...new Set(customerIds)];
    if (ids.length === 0) return;
    if (!(await this.cutpoints(manager))) return;
    await manager.query(`INSERT INTO rescore_queue (customer_id) SELECT * FROM unnest($1::uuid[])`, [ids]);
  }

  /**
   * Re-scores the customers of the oldest `limit` queue rows (each once) and
   * removes exactly those rows, in one transaction, one replica at a time:
   * a customer queued again meanwhile has a newer row and is scored again at
   * the next drain, from its newer orders. Returns the rows taken, or -1
   * when another replica is draining.
   */
  async drainRescoreQueue(limit = 5000): Promise<number> {
    return inTransaction(this.dataSource, async (m) => {
      const [{ mine }]: { mine: boolean }[] = await m.query(
        `SELECT pg_try_advisory_xact_lock(hashtextextended('analytics:rescore-queue', 7105)) AS mine`,
      );
      if (!mine) return -1;
      const taken: { seq: string; customer_id: string }[] = await m.query(
        `SELECT seq, customer_id FROM rescore_queue ORDER BY seq LIMIT $1`,
        [limit],
      );
      if (taken.length === 0) return 0;
      await this.rescoreMany(
        m,
        taken.map((r) => r.customer_id),
      );
      await m.query(`DELETE FROM rescore_queue WHERE seq = ANY($1::bigint[])`, [taken.map((r) => r.seq)]);
      return taken.length;
    });
  }

  /**
   * Re-scores customers now (in `manager`'s transaction) against the last full run's cut points and model;
   * nothing before the first full run. Publishes when the published key moved. One read, one write, one
   * outbox insert.
   */
  async rescoreMany(manager: EntityManager, customerIds: readonly string[]): Promise<void> {
    if (this.settings.ANALYTICS_RESCORE_ON_ORDER !== 'true') return;
    const ids = [...new Set(customerIds)];
    if (ids.length === 0) return;
    const cut = await this.cutpoints(manager);
    if (!cut) return;
    const model = await this.models.latestModel();
    const end = todayUtc();
    const histories: {
      customer_id: string;
      x: number;
      tx: number;
      t: number;
      repeat_minor: string;
      orders: number;
      monetary_minor: string;
      published_hash: string | null;
    }[] = await manager.query(
      `SELECT o.customer_id, o.purchase_days - 1 AS x, o.last_day - o.first_day AS tx, $2::date - o.first_day AS t,
              o.repeat_minor, o.orders, o.monetary_minor, s.published_hash
         FROM customer_orders o LEFT JOIN customer_scores s ON s.customer_id = o.customer_id
        WHERE o.customer_id = ANY($1::uuid[]) AND o.purchase_days > 0`,
      [ids, end],
    );
    const scored = new Set(histories.map((h) => h.customer_id));
    const gone = ids.filter((id) => !scored.has(id));
    if (gone.length) await manager.query(`DELETE FROM customer_scores WHERE customer_id = ANY($1::uuid[])`, [gone]);
    if (histories.length === 0) return;
    const nan = (v: number) => (Number.isNaN(v) ? null : v);
    const cuts = { recency: cut.recency.map(nan), frequency: cut.frequency.map(nan), monetary: cut.monetary.map(nan) };
    const rows = histories.map((h) => {
      const recency = Math.max(0, h.t - h.tx);
      const r = scoreAgainst(cuts.recency, -recency);
      const f = scoreAgainst(cuts.frequency, h.orders);
      const m = scoreAgainst(cuts.monetary, Number(h.monetary_minor));
      const figures = model ? historyFigures(model, h, this.options) : null;
      const spend = model ? spendPerTransaction(model, h.x, Number(h.repeat_minor)) : null;
      const clvMinor = figures && spend !== null ? Math.round(figures.discountedPurchases * spend) : null;
      const row: ScoreRow = {
        customer_id: h.customer_id,
        calibration_end: end,
        recency_days: recency,
        frequency: h.orders,
        monetary_minor: h.monetary_minor,
        r,
        f,
        m,
        segment: segmentFor(r, f),
        p_alive: figures?.pAlive ?? null,
        expected_purchases: figures?.expectedPurchases ?? null,
        clv_minor: clvMinor === null ? null : String(clvMinor),
        churn_risk: figures?.churnRisk ?? null,
      };
      const key = publishedKey({ segment: row.segment, clvMinor, pAlive: row.p_alive, churnRisk: row.churn_risk });
      return { row, key, changed: key !== h.published_hash };
    });
    await manager.query(
      `INSERT INTO customer_scores AS c (customer_id, calibration_end, recency_days, frequency, monetary_minor, r, f, m,
                                         segment, p_alive, expected_purchases, clv_minor, churn_risk, published_hash, updated_at)
       SELECT customer_id, calibration_end, recency_days, frequency, monetary_minor, r, f, m, segment, p_alive,
              expected_purchases, clv_minor, churn_risk, published_hash, now()
         FROM jsonb_to_recordset($1::jsonb) AS t(customer_id uuid, calibration_end date, recency_days int, frequency int,
              monetary_minor bigint, r smallint, f smallint, m smallint, segment text, p_alive float8,
              expected_purchases float8, clv_minor bigint, churn_risk float8, published_hash text)
       ON CONFLICT (customer_id) DO UPDATE SET calibration_end = EXCLUDED.calibration_end,
         recency_days = EXCLUDED.recency_days, frequency = EXCLUDED.frequency, monetary_minor = EXCLUDED.monetary_minor,
         r = EXCLUDED.r, f = EXCLUDED.f, m = EXCLUDED.m, segment = EXCLUDED.segment, p_alive = EXCLUDED.p_alive,
         expected_purchases = EXCLUDED.expected_purchases, clv_minor = EXCLUDED.clv_minor,
         churn_risk = EXCLUDED.churn_risk, published_hash = EXCLUDED.published_hash, updated_at = now()`,
      [JSON.stringify(rows.map(({ row, key }) => ({ ...row, published_hash: key })))],
    );
    const changed = rows.filter((x) => x.changed).map((x) => this.scoredEvent(x.row));
    if (changed.length) await this.events.publishAll(manager, changed);
  }
}
