import { Injectable } from '@nestjs/common';
import { DataSource } from 'typeorm';
import { customerConditions } from '../shared/report-query.dto';
import type { AttributionQueryDto } from './dto/report-queries.dto';
import { reportRange } from './report-range';

export const ATTRIBUTION_MODELS = ['firstTouch', 'lastTouch', 'linear', 'positionBased', 'timeDecay'] as const;
type Model = (typeof ATTRIBUTION_MODELS)[number];
type Credits = Record<Model, number>;

interface CreditRow {
  channel: string;
  campaign: string | null;
  campaign_name: string | null;
  first_touch: number;
  last_touch: number;
  linear: number;
  position_based: number;
  time_decay: number;
  conversions: number;
}

/**
 * Multi-touch attribution in one SQL statement: for each conversion (an
 * order that is not cancelled, valued at its total less refunds, or a won
 * deal at its amount) the customer's touchpoints within the lookback
 * window, plus the acquisition source ("how they heard") as its own first
 * touch at the contact's creation. Each model splits the value:
 * first touch, last touch, linear (equal shares), position-based (40 % to
 * the first, 40 % to the last, 20 % shared by those between; 50/50 for two),
 * time-decay (weight 2^(-age / half-life), normalised).
 */
@Injectable()
export class AttributionService {
  constructor(private readonly dataSource: DataSource) {}

  private async credits(q: AttributionQueryDto) {
    const { from, to } = reportRange(q);
    const lookback = q.lookbackDays ?? 30;
    const halfLife = q.halfLifeDays ?? 7;
    const kinds = q.touches?.length ? q.touches : ['opened', 'clicked'];
    const params: unknown[] = [from, to, lookback, halfLife, kinds];
    const where = customerConditions(q, params);
    const filters = where.length ? `AND ${where.join(' AND ')}` : '';
    const conversions =
      q.conversion === 'deal'
        ? `SELECT d.deal_id AS conv_id, d.customer_id, d.closed_at AS at, d.amount_minor::float8 AS value
             FROM deals d LEFT JOIN customer_facts f ON f.contact_id = d.customer_id
            WHERE d.status = 'won' AND d.closed_at IS NOT NULL AND d.customer_id IS NOT NULL
              AND (d.closed_at AT TIME ZONE 'UTC')::date BETWEEN $1::date AND $2::date ${filters}`
        : `SELECT o.order_id AS conv_id, o.customer_id, o.placed_at AS at, (o.total_minor - o.refunded_minor)::float8 AS value
             FROM orders o LEFT JOIN customer_facts f ON f.contact_id = o.customer_id
            WHERE o.status <> 'cancelled' AND o.customer_id IS NOT NULL
              AND o.placed_day BETWEEN $1::date AND $2::date ${filters}`;
    const [rows, totals]: [CreditRow[], { conversions: number; revenue: number; attributed: number }[]] =
      await Promise.all([
        this.dataSource.query(
          `WITH conv AS (${conversions}),
           touches AS (
             SELECT c.conv_id, c.value, c.at, t.channel, t.campaign, t.occurred_at, t.ord
               FROM conv c CROSS JOIN LATERAL (
                 SELECT tp.channel, tp.campaign_id::text AS campaign, tp.occurred_at, 1 AS ord FROM touchpoints tp
                  WHERE tp.customer_id = c.customer_id AND tp.kind = ANY($5::text[])
                    AND tp.occurred_at <= c.at AND tp.occurred_at >= c.at - make_interval(days => $3::int)
                 UNION ALL
                 SELECT af.acquisition_channel, af.acquisition_campaign, af.contact_created_at, 0 FROM customer_facts af
                  WHERE af.contact_id = c.customer_id AND af.acquisition_channel IS NOT NULL) t
           ), ranked AS (
             SELECT *, row_number() OVER (PARTITION BY conv_id ORDER BY ord, occurred_at NULLS FIRST, channel) AS pos,
                    count(*) OVER (PARTITION BY conv_id) AS n,
                    CASE WHEN occurred_at IS NULL OR occurred_at > at THEN 0
                         ELSE power(0.5, extract(epoch FROM at - occurred_at) / ($4::float8 * 86400)) END AS decay
               FROM touches
           ), weighted AS (SELECT *, sum(decay) OVER (PARTITION BY conv_id) AS decay_sum FROM ranked)
           SELECT w.channel, w.campaign, max(c.name) AS campaign_name,
                  sum(CASE WHEN pos = 1 THEN value ELSE 0 END)::float8 AS first_touch,
                  sum(CASE WHEN pos = n THEN value ELSE 0 END)::float8 AS last_touch,
                  sum(value / n)::float8 AS linear,
                  sum(value * CASE WHEN n = 1 THEN 1 WHEN n = 2 THEN 0.5 WHEN pos = 1 OR pos = n THEN 0.4
                                   ELSE 0.2 / (n - 2) END)::float8 AS position_based,
                  sum(value * CASE WHEN decay_sum > 0 THEN decay / decay_sum ELSE 1.0 / n END)::float8 AS time_decay,
                  count(DISTINCT conv_id)::int AS conversions
             FROM weighted w LEFT JOIN campaigns c ON c.campaign_id::text = w.campaign
            GROUP BY w.channel, w.campaign ORDER BY 1, 2`,
          params,
        ),
        this.dataSource.query(
          `WITH conv AS (${conversions})
           SELECT count(*)::int AS conversions, $4::float8 AS half_life, COALESCE(sum(value), 0)::float8 AS revenue,
                  COALESCE(sum(value) FILTER (WHERE EXISTS (
                    SELECT 1 FROM touchpoints tp WHERE tp.customer_id = conv.customer_id AND tp.kind = ANY($5::text[])
                       AND tp.occurred_at <= conv.at AND tp.occurred_at >= conv.at - make_interval(days => $3::int))
                    OR EXISTS (SELECT 1 FROM customer_facts af WHERE af.contact_id = conv.customer_id
                                 AND af.acquisition_channel IS NOT NULL)), 0)::float8 AS attributed
             FROM conv`,
          params,
        ),
      ]);
    return { from, to, lookbackDays: lookback, halfLifeDays: halfLife, touches: kinds, rows, totals: totals[0] };
  }

  async attribution(q: AttributionQueryDto) {
    const c = await this.credits(q);
    const credits = (r: CreditRow): Credits => ({
      firstTouch: Math.round(r.first_touch),
      lastTouch: Math.round(r.last_touch),
      linear: Math.round(r.linear),
      positionBased: Math.round(r.position_based),
      timeDecay: Math.round(r.time_decay),
    });
    const byChannel = new Map<string, Credits & { channel: string }>();
    for (const r of c.rows) {
      const cur = byChannel.get(r.channel) ?? {
        channel: r.channel,
        firstTouch: 0,
        lastTouch: 0,
        linear: 0,
        positionBased: 0,
        timeDecay: 0,
      };
      const add = credits(r);
      for (const m of ATTRIBUTION_MODELS) cur[m] += add[m];
      byChannel.set(r.channel, cur);
    }
    return {
      conversion: q.conversion ?? 'order',
      from: c.from,
      to: c.to,
      lookbackDays: c.lookbackDays,
      halfLifeDays: c.halfLifeDays,
      touches: c.touches,
      models: ATTRIBUTION_MODELS,
      conversions: c.totals.conversions,
      revenueMinor: Math.round(c.totals.revenue),
      unattributedMinor: Math.round(c.totals.revenue - c.totals.attributed),
      byChannel: [...byChannel.values()],
      byCampaign: c.rows
        .filter((r) => r.campaign !== null)
        .map((r) => ({
          channel: r.channel,
          campaign: r.campaign,
          name: r.campaign_name ?? r.campaign,
          conversions: r.conversions,
          ...credits(r),
        })),
    };
  }

  /** Attributed revenue against each campaign's cost, per model: ROI = (revenue - cost) / cost. */
  async roi(q: AttributionQueryDto) {
    const c = await this.credits(q);
    const costs: {
      campaign_id: string;
      name: string;
      channel: string;
      cost_minor: string | null;
      currency: string | null;
    }[] = await this.dataSource.query(
      `SELECT campaign_id::text, name, channel, cost_minor, currency FROM campaigns ORDER BY name`,
    );
    return {
      from: c.from,
      to: c.to,
      models: ATTRIBUTION_MODELS,
      campaigns: costs.map((k) => {
        const row = c.rows.find((r) => r.campaign === k.campaign_id);
        const cost = k.cost_minor === null ? null : Number(k.cost_minor);
        const revenue: Credits = {
          firstTouch: Math.round(row?.first_touch ?? 0),
          lastTouch: Math.round(row?.last_touch ?? 0),
          linear: Math.round(row?.linear ?? 0),
          positionBased: Math.round(row?.position_based ?? 0),
          timeDecay: Math.round(row?.time_decay ?? 0),
        };
        const roi = Object.fromEntries(
          ATTRIBUTION_MODELS.map((m) => [m, cost ? (revenue[m] - cost) / cost : null]),
        ) as Record<Model, number | null>;
        return {
          campaignId: k.campaign_id,
          name: k.name,
          channel: k.channel,
          costMinor: cost,
          currency: k.currency,
          revenueMinor: revenue,
          roi,
        };
      }),
    };
  }
}
