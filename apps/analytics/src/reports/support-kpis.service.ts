import { Injectable } from '@nestjs/common';
import { DataSource } from 'typeorm';
import type { SupportKpiQueryDto } from './dto/report-queries.dto';
import { reportRange } from './report-range';

const GROUP_SQL = {
  team: 't.team_id::text',
  agent: 't.assignee_id::text',
  priority: 't.priority',
  channel: 't.channel',
};

/**
 * Support KPIs over tickets created in the range (merged-away tickets left
 * out): first response and resolution (median, calendar and business
 * seconds), SLA breach rate, backlog at the range end, reopen rate and CSAT,
 * by team, agent, priority or channel, and per month.
 */
@Injectable()
export class SupportKpisService {
  constructor(private readonly dataSource: DataSource) {}

  async kpis(q: SupportKpiQueryDto) {
    const { from, to } = reportRange(q);
    const by = q.by ?? 'team';
    const metrics = `count(*)::int AS tickets,
      percentile_cont(0.5) WITHIN GROUP (ORDER BY extract(epoch FROM t.first_responded_at - t.created_at))::float8 AS first_response_s,
      percentile_cont(0.5) WITHIN GROUP (ORDER BY t.first_response_business_s)::float8 AS first_response_business_s,
      percentile_cont(0.5) WITHIN GROUP (ORDER BY extract(epoch FROM t.solved_at - t.created_at))::float8 AS resolution_s,
      percentile_cont(0.5) WITHIN GROUP (ORDER BY t.resolution_business_s)::float8 AS resolution_business_s,
      (count(*) FILTER (WHERE EXISTS (SELECT 1 FROM sla_breaches b WHERE b.ticket_id = t.ticket_id)))::float8 / count(*) AS sla_breach_rate,
      count(*) FILTER (WHERE t.solved_at IS NULL OR t.solved_at > ($2::date + 1)::timestamptz)::int AS backlog,
      (count(*) FILTER (WHERE t.reopens > 0))::float8 / NULLIF(count(*) FILTER (WHERE t.solved_at IS NOT NULL OR t.reopens > 0), 0) AS reopen_rate,
      (SELECT avg(c.score)::float8 FROM csat_answers c WHERE c.ticket_id = ANY(array_agg(t.ticket_id))) AS csat,
      (SELECT count(*)::int FROM csat_answers c WHERE c.ticket_id = ANY(array_agg(t.ticket_id))) AS csat_answers`;
    const from_ = `FROM tickets t WHERE t.merged_into IS NULL
                     AND (t.created_at AT TIME ZONE 'UTC')::date BETWEEN $1::date AND $2::date`;
    type Row = Record<string, number | string | null>;
    const [groups, series]: [Row[], Row[]] = await Promise.all([
      this.dataSource.query(`SELECT ${GROUP_SQL[by]} AS key, ${metrics} ${from_} GROUP BY 1 ORDER BY 1`, [from, to]),
      this.dataSource.query(
        `SELECT to_char(date_trunc('month', t.created_at AT TIME ZONE 'UTC'), 'YYYY-MM') AS key, ${metrics} ${from_} GROUP BY 1 ORDER BY 1`,
        [from, to],
      ),
    ]);
    const view = (r: Row) => ({
      tickets: r['tickets'],
      firstResponseSeconds: { calendar: r['first_response_s'], business: r['first_response_business_s'] },
      resolutionSeconds: { calendar: r['resolution_s'], business: r['resolution_business_s'] },
      slaBreachRate: r['sla_breach_rate'],
      backlog: r['backlog'],
      reopenRate: r['reopen_rate'],
      csat: { average: r['csat'], answers: r['csat_answers'] },
    });
    return {
      from,
      to,
      by,
      groups: groups.map((r) => ({ key: r['key'] ?? 'none', ...view(r) })),
      series: series.map((r) => ({ month: r['key'], ...view(r) })),
    };
  }
}
