import { Injectable } from '@nestjs/common';
import { DataSource } from 'typeorm';
import { customerConditions } from '../shared/report-query.dto';
import type { DealFunnelQueryDto, LifecycleFunnelQueryDto } from './dto/report-queries.dto';
import { reportRange } from './report-range';

/** Lifecycle and deal-stage funnels: how many reach each step, conversion to the next, median time between. */
@Injectable()
export class FunnelsService {
  constructor(private readonly dataSource: DataSource) {}

  /**
   * Contacts whose first recorded stage falls in the range, and of them how
   * many reached each stage (in any order); conversion = reached the next
   * stage / reached this one; median days from this stage to the next among
   * those who reached both.
   */
  async lifecycle(q: LifecycleFunnelQueryDto) {
    const { from, to } = reportRange(q);
    const stages = q.stages?.length ? q.stages : ['lead', 'prospect', 'customer'];
    const params: unknown[] = [from, to, stages];
    const where = customerConditions(q, params);
    const rows: { stage: string; reached: number; median_days_to_next: number | null; next_reached: number }[] =
      await this.dataSource.query(
        `WITH base AS (
           SELECT h.contact_id FROM lifecycle_history h JOIN customer_facts f ON f.contact_id = h.contact_id
            WHERE f.status <> 'merged' ${where.length ? `AND ${where.join(' AND ')}` : ''}
            GROUP BY h.contact_id HAVING (min(h.reached_at) AT TIME ZONE 'UTC')::date BETWEEN $1::date AND $2::date
         ), steps AS (SELECT s AS stage, i FROM unnest($3::text[]) WITH ORDINALITY AS u(s, i)),
         reached AS (
           SELECT st.stage, st.i, h.contact_id, h.reached_at FROM steps st
             JOIN lifecycle_history h ON h.stage = st.stage JOIN base b ON b.contact_id = h.contact_id)
         SELECT st.stage, count(r.contact_id)::int AS reached, count(n.contact_id)::int AS next_reached,
                (percentile_cont(0.5) WITHIN GROUP (ORDER BY extract(epoch FROM n.reached_at - r.reached_at))
                  FILTER (WHERE n.contact_id IS NOT NULL) / 86400)::float8 AS median_days_to_next
           FROM steps st LEFT JOIN reached r ON r.stage = st.stage
           LEFT JOIN reached n ON n.i = st.i + 1 AND n.contact_id = r.contact_id
          GROUP BY st.stage, st.i ORDER BY st.i`,
        params,
      );
    return {
      from,
      to,
      steps: rows.map((r, i) => ({
        stage: r.stage,
        reached: r.reached,
        conversionToNext: i < rows.length - 1 && r.reached ? r.next_reached / r.reached : null,
        medianDaysToNext: i < rows.length - 1 ? r.median_days_to_next : null,
      })),
    };
  }

  /**
   * Deals created in the range, per pipeline: per stage (ordered by win
   * probability, then by when deals first entered it) the deals that entered
   * it, the share of those that entered the next stage, and the median time
   * deals spent in it; and the won rate.
   */
  async deals(q: DealFunnelQueryDto) {
    const { from, to } = reportRange(q);
    const params: unknown[] = [from, to];
    const where = customerConditions(q, params).map((w) => w.replaceAll('f.', 'f.'));
    if (q.pipelineId) {
      params.push(q.pipelineId);
      where.push(`d.pipeline_id = $${params.length}`);
    }
    const rows: {
      pipeline_id: string;
      stage_id: string;
      stage_name: string | null;
      entered: number;
      next_entered: number | null;
      median_seconds: number | null;
      deals: number;
      won: number;
    }[] = await this.dataSource.query(
      `WITH d AS (
         SELECT d.* FROM deals d LEFT JOIN customer_facts f ON f.contact_id = d.customer_id
          WHERE (d.created_at AT TIME ZONE 'UTC')::date BETWEEN $1::date AND $2::date
          ${where.length ? `AND ${where.join(' AND ')}` : ''}
       ), moves AS (SELECT h.* FROM deal_stage_history h JOIN d ON d.deal_id = h.deal_id),
       stages AS (
         SELECT pipeline_id, to_stage_id AS stage_id, max(to_stage_name) AS stage_name,
                row_number() OVER (PARTITION BY pipeline_id ORDER BY max(probability) NULLS LAST, min(moved_at)) AS i,
                count(DISTINCT deal_id)::int AS entered
           FROM moves GROUP BY pipeline_id, to_stage_id
       ), entered AS (SELECT DISTINCT pipeline_id, to_stage_id AS stage_id, deal_id FROM moves),
       nexts AS (
         SELECT s.pipeline_id, s.stage_id, count(DISTINCT e2.deal_id)::int AS next_entered
           FROM stages s JOIN stages s2 ON s2.pipeline_id = s.pipeline_id AND s2.i = s.i + 1
           JOIN entered e1 ON e1.pipeline_id = s.pipeline_id AND e1.stage_id = s.stage_id
           JOIN entered e2 ON e2.pipeline_id = s.pipeline_id AND e2.stage_id = s2.stage_id AND e2.deal_id = e1.deal_id
          GROUP BY 1, 2
       ), dwell AS (
         SELECT pipeline_id, from_stage_id AS stage_id,
                percentile_cont(0.5) WITHIN GROUP (ORDER BY seconds_in_from_stage)::float8 AS median_seconds
           FROM moves WHERE from_stage_id IS NOT NULL AND seconds_in_from_stage IS NOT NULL GROUP BY 1, 2
       ), totals AS (
         SELECT pipeline_id, count(*)::int AS deals, count(*) FILTER (WHERE status = 'won')::int AS won FROM d GROUP BY 1)
       SELECT s.pipeline_id, s.stage_id, s.stage_name, s.entered, n.next_entered, w.median_seconds, t.deals, t.won
         FROM stages s JOIN totals t ON t.pipeline_id = s.pipeline_id
         LEFT JOIN nexts n ON n.pipeline_id = s.pipeline_id AND n.stage_id = s.stage_id
         LEFT JOIN dwell w ON w.pipeline_id = s.pipeline_id AND w.stage_id = s.stage_id
        ORDER BY s.pipeline_id, s.i`,
      params,
    );
    const pipelines = new Map<
      string,
      { pipelineId: string; deals: number; won: number; wonRate: number | null; stages: unknown[] }
    >();
    rows.forEach((r, idx) => {
      let p = pipelines.get(r.pipeline_id);
      if (!p) {
        p = {
          pipelineId: r.pipeline_id,
          deals: r.deals,
          won: r.won,
          wonRate: r.deals ? r.won / r.deals : null,
          stages: [],
        };
        pipelines.set(r.pipeline_id, p);
      }
      const last = rows[idx + 1]?.pipeline_id !== r.pipeline_id;
      p.stages.push({
        stageId: r.stage_id,
        name: r.stage_name,
        entered: r.entered,
        conversionToNext: last ? null : (r.next_entered ?? 0) / r.entered,
        medianSecondsInStage: r.median_seconds,
      });
    });
    return { from, to, pipelines: [...pipelines.values()] };
  }
}
