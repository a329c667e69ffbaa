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
import { ANALYTICS_SETTINGS, businessCalendar, type AnalyticsSettings } from '../shared/analytics-settings';

/**
 * Tickets at their newest version with first response and resolution in
 * business time (ANALYTICS_BUSINESS_HOURS) beside the timestamps; reopens
 * counted once per reopened event; SLA breaches and CSAT answers once each.
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
}
