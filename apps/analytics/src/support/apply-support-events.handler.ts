import { Inject, Injectable } from '@nestjs/common';
import type { EntityManager } from 'typeorm';
import {
  SUPPORT_EVENTS,
  type SlaEventPayload,
  type SupportCsatReceivedPayload,
  type SupportTicketMergedPayload,
  type SupportTicketPayload,
} from '@crm/contracts';
import { OnEvent, type CloudEvent, type EventHandler } from '@crm/messaging';
import { businessSeconds } from '../models/business-time';
import { resolveCustomerSql } from '../orders/customer-orders.repository';
import { applyInRounds } from '../shared/batch-rounds';
import { ANALYTICS_SETTINGS, businessCalendar, type AnalyticsSettings } from '../shared/analytics-settings';

/**
 * Tickets at their newest version with first response and resolution in
 * business time (ANALYTICS_BUSINESS_HOURS) beside the timestamps; reopens
 * counted once per reopened event; SLA breaches and CSAT answers once each.
 * A batch does the same in one statement per kind and round of distinct
 * rows (a ticket's events keep their order, merges included).
 */
@Injectable()
@OnEvent(
  SUPPORT_EVENTS.ticketCreated,
  SUPPORT_EVENTS.ticketAssigned,
  SUPPORT_EVENTS.ticketStatusChanged,
  SUPPORT_EVENTS.ticketSolved,
  SUPPORT_EVENTS.ticketReopened,
  SUPPORT_EVENTS.ticketMerged,
  SUPPORT_EVENTS.slaBreached,
  SUPPORT_EVENTS.csatReceived,
)
export class ApplySupportEventsHandler implements EventHandler<unknown> {
  constructor(@Inject(ANALYTICS_SETTINGS) private readonly settings: AnalyticsSettings) {}

  async handle(event: CloudEvent<unknown>, manager: EntityManager): Promise<void> {
    if (event.type === SUPPORT_EVENTS.slaBreached) {
      const s = event.data as SlaEventPayload;
      await manager.query(
        `INSERT INTO sla_breaches (ticket_id, target, due_at) VALUES ($1, $2, $3) ON CONFLICT DO NOTHING`,
        [s.ticketId, s.target, s.dueAt],
      );
      return;
    }
    if (event.type === SUPPORT_EVENTS.csatReceived) {
      const c = event.data as SupportCsatReceivedPayload;
      await manager.query(
        `INSERT INTO csat_answers (survey_id, ticket_id, agent_id, team_id, customer_id, score, answered_at)
         VALUES ($1, $2, $3, $4, CASE WHEN $5::uuid IS NULL THEN NULL ELSE ${resolveCustomerSql('$5')} END, $6, $7)
         ON CONFLICT DO NOTHING`,
        [c.surveyId, c.ticketId, c.agentId, c.teamId, c.requesterId, c.score, c.answeredAt],
      );
      return;
    }
    if (event.type === SUPPORT_EVENTS.ticketMerged) {
      const m = event.data as SupportTicketMergedPayload;
      await manager.query(`UPDATE tickets SET merged_into = $2 WHERE ticket_id = $1`, [m.sourceId, m.targetId]);
      return;
    }
    const t = event.data as SupportTicketPayload;
    const calendar = businessCalendar(this.settings);
    const created = new Date(t.createdAt);
    const business = (end: string | null) => (end ? businessSeconds(created, new Date(end), calendar) : null);
    await manager.query(
      `INSERT INTO tickets AS t (ticket_id, version, customer_id, status, priority, channel, team_id, assignee_id,
                                 created_at, first_responded_at, solved_at, closed_at, first_response_business_s,
                                 resolution_business_s, reopens, merged_into)
       VALUES ($1, $2, CASE WHEN $3::uuid IS NULL THEN NULL ELSE ${resolveCustomerSql('$3')} END, $4, $5, $6, $7, $8,
               $9, $10, $11, $12, $13, $14, $15, $16)
       ON CONFLICT (ticket_id) DO UPDATE SET version = EXCLUDED.version, customer_id = EXCLUDED.customer_id,
         status = EXCLUDED.status, priority = EXCLUDED.priority, channel = EXCLUDED.channel, team_id = EXCLUDED.team_id,
         assignee_id = EXCLUDED.assignee_id, first_responded_at = EXCLUDED.first_responded_at,
         solved_at = EXCLUDED.solved_at, closed_at = EXCLUDED.closed_at,
         first_response_business_s = EXCLUDED.first_response_business_s,
         resolution_business_s = EXCLUDED.resolution_business_s,
         reopens = t.reopens + EXCLUDED.reopens, merged_into = COALESCE(EXCLUDED.merged_into, t.merged_into)
       WHERE t.version < EXCLUDED.version`,
      [
        t.id ?? event.subject,
        event.version ?? t.version,
        t.requesterId,
        t.status,
        t.priority,
        t.channel,
        t.teamId,
        t.assigneeId,
        t.createdAt,
        t.firstRespondedAt,
        t.solvedAt,
        t.closedAt,
        business(t.firstRespondedAt),
        business(t.solvedAt),
        event.type === SUPPORT_EVENTS.ticketReopened ? 1 : 0,
        t.mergedInto,
      ],
    );
  }

  async handleBatch(events: CloudEvent<unknown>[], manager: EntityManager): Promise<void> {
    await applyInRounds(events, rowKey, kindOf, async (kind, round) => {
      switch (kind) {
        case 'sla': {
          const s = round.map((e) => e.data as SlaEventPayload);
          await manager.query(
            `INSERT INTO sla_breaches (ticket_id, target, due_at)
             SELECT * FROM unnest($1::uuid[], $2::text[], $3::timestamptz[]) ON CONFLICT DO NOTHING`,
            [s.map((x) => x.ticketId), s.map((x) => x.target), s.map((x) => x.dueAt)],
          );
          return;
        }
        case 'csat': {
          const c = round.map((e) => e.data as SupportCsatReceivedPayload);
          await manager.query(
            `INSERT INTO csat_answers (survey_id, ticket_id, agent_id, team_id, customer_id, score, answered_at)
             SELECT survey, ticket, agent, team, CASE WHEN requester IS NULL THEN NULL ELSE ${resolveCustomerSql('requester')} END,
                    score, answered
               FROM unnest($1::uuid[], $2::uuid[], $3::uuid[], $4::uuid[], $5::uuid[], $6::int[], $7::timestamptz[])
                    AS t(survey, ticket, agent, team, requester, score, answered)
             ON CONFLICT DO NOTHING`,
            [
              c.map((x) => x.surveyId),
              c.map((x) => x.ticketId),
              c.map((x) => x.agentId),
              c.map((x) => x.teamId),
              c.map((x) => x.requesterId),
              c.map((x) => x.score),
              c.map((x) => x.answeredAt),
            ],
          );
          return;
        }
        case 'merged': {
          const m = round.map((e) => e.data as SupportTicketMergedPayload);
          await manager.query(
            `UPDATE tickets t SET merged_into = v.target FROM unnest($1::uuid[], $2::uuid[]) AS v(source, target)
              WHERE t.ticket_id = v.source`,
            [m.map((x) => x.sourceId), m.map((x) => x.targetId)],
          );
          return;
        }
        case 'ticket':
          await this.upsertTickets(round, manager);
          return;
      }
    });
  }

  /** Ticket snapshots of distinct tickets, as `handle` applies each. */
  private async upsertTickets(events: CloudEvent<unknown>[], manager: EntityManager): Promise<void> {
    const calendar = businessCalendar(this.settings);
    const rows = events.map((event) => {
      const t = event.data as SupportTicketPayload;
      const created = new Date(t.createdAt);
      const business = (end: string | null) => (end ? businessSeconds(created, new Date(end), calendar) : null);
      return [
        t.id ?? event.subject,
        event.version ?? t.version,
        t.requesterId,
        t.status,
        t.priority,
        t.channel,
        t.teamId,
        t.assigneeId,
        t.createdAt,
        t.firstRespondedAt,
        t.solvedAt,
        t.closedAt,
        business(t.firstRespondedAt),
        business(t.solvedAt),
        event.type === SUPPORT_EVENTS.ticketReopened ? 1 : 0,
        t.mergedInto,
      ];
    });
    await manager.query(
      `INSERT INTO tickets AS t (ticket_id, version, customer_id, status, priority, channel, team_id, assignee_id,
                                 created_at, first_responded_at, solved_at, closed_at, first_response_business_s,
                                 resolution_business_s, reopens, merged_into)
       SELECT id, version, CASE WHEN requester IS NULL THEN NULL ELSE ${resolveCustomerSql('requester')} END, status,
              priority, channel, team, assignee, created, responded, solved, closed, response_s, resolution_s, reopens, merged
         FROM unnest($1::uuid[], $2::int[], $3::uuid[], $4::text[], $5::text[], $6::text[], $7::uuid[], $8::uuid[],
                     $9::timestamptz[], $10::timestamptz[], $11::timestamptz[], $12::timestamptz[], $13::bigint[],
                     $14::bigint[], $15::int[], $16::uuid[])
              AS v(id, version, requester, status, priority, channel, team, assignee, created, responded, solved, closed,
                   response_s, resolution_s, reopens, merged)
       ON CONFLICT (ticket_id) DO UPDATE SET version = EXCLUDED.version, customer_id = EXCLUDED.customer_id,
         status = EXCLUDED.status, priority = EXCLUDED.priority, channel = EXCLUDED.channel, team_id = EXCLUDED.team_id,
         assignee_id = EXCLUDED.assignee_id, first_responded_at = EXCLUDED.first_responded_at,
         solved_at = EXCLUDED.solved_at, closed_at = EXCLUDED.closed_at,
         first_response_business_s = EXCLUDED.first_response_business_s,
         resolution_business_s = EXCLUDED.resolution_business_s,
         reopens = t.reopens + EXCLUDED.reopens, merged_into = COALESCE(EXCLUDED.merged_into, t.merged_into)
       WHERE t.version < EXCLUDED.version`,
      rows[0].map((_, i) => rows.map((r) => r[i])),
    );
  }
}

type SupportKind = 'ticket' | 'merged' | 'sla' | 'csat';

function kindOf(event: CloudEvent<unknown>): SupportKind {
  switch (event.type) {
    case SUPPORT_EVENTS.slaBreached:
      return 'sla';
    case SUPPORT_EVENTS.csatReceived:
      return 'csat';
    case SUPPORT_EVENTS.ticketMerged:
      return 'merged';
    default:
      return 'ticket';
  }
}

/** The row an event writes: a ticket (its snapshot, or its merge as the source), a breach, an answer. */
function rowKey(event: CloudEvent<unknown>): string {
  switch (kindOf(event)) {
    case 'sla': {
      const s = event.data as SlaEventPayload;
      return `sla:${s.ticketId}:${s.target}`;
    }
    case 'csat':
      return `csat:${(event.data as SupportCsatReceivedPayload).surveyId}`;
    case 'merged':
      return `ticket:${(event.data as SupportTicketMergedPayload).sourceId}`;
    default: {
      const t = event.data as SupportTicketPayload;
      return `ticket:${t.id ?? event.subject}`;
    }
  }
}
