import { Injectable } from '@nestjs/common';
import type { EntityManager } from 'typeorm';
import { SALES_EVENTS, type SalesDealPayload, type SalesDealStageChangedPayload } from '@crm/contracts';
import { OnEvent, type CloudEvent, type EventHandler } from '@crm/messaging';
import { resolveCustomerSql } from '../orders/customer-orders.repository';
import { applyInRounds } from '../shared/batch-rounds';

/**
 * Deals as their newest version says, and one stage-history row per move
 * (keyed by deal and version, so a redelivery adds nothing). won/lost come
 * after the stage change with the same version and still apply their status.
 * A batch does the same in a statement or two per round of distinct deals.
 */
@Injectable()
@OnEvent(
  SALES_EVENTS.dealCreated,
  SALES_EVENTS.dealUpdated,
  SALES_EVENTS.dealStageChanged,
  SALES_EVENTS.dealWon,
  SALES_EVENTS.dealLost,
)
export class ApplyDealEventsHandler implements EventHandler<SalesDealPayload> {
  async handle(event: CloudEvent<SalesDealPayload>, manager: EntityManager): Promise<void> {
    const d = event.data;
    const version = event.version ?? d.version;
    const closing = event.type === SALES_EVENTS.dealWon || event.type === SALES_EVENTS.dealLost;
    await manager.query(
      `INSERT INTO deals AS d (deal_id, version, customer_id, pipeline_id, stage_id, stage_name, status, amount_minor,
                               currency, source_channel, source_campaign, created_at, closed_at, updated_at)
       VALUES ($1, $2, CASE WHEN $3::uuid IS NULL THEN NULL ELSE ${resolveCustomerSql('$3')} END, $4, $5, $6, $7, $8,
               $9, $10, $11, $12, $13, clock_timestamp())
       ON CONFLICT (deal_id) DO UPDATE SET version = EXCLUDED.version, customer_id = EXCLUDED.customer_id,
         pipeline_id = EXCLUDED.pipeline_id, stage_id = EXCLUDED.stage_id, stage_name = EXCLUDED.stage_name,
         status = EXCLUDED.status, amount_minor = EXCLUDED.amount_minor, currency = EXCLUDED.currency,
         source_channel = EXCLUDED.source_channel, source_campaign = EXCLUDED.source_campaign,
         closed_at = EXCLUDED.closed_at, updated_at = EXCLUDED.updated_at
       WHERE d.version < EXCLUDED.version OR ($14 AND d.version = EXCLUDED.version)`,
      [
        d.id ?? event.subject,
        version,
        d.contactId ?? null,
        d.pipelineId,
        d.stageId,
        d.stageName ?? null,
        d.status,
        d.amountMinor ?? 0,
        d.currency ?? 'EUR',
        d.source?.channel ?? null,
        d.source?.campaign ?? null,
        d.createdAt ?? event.time,
        d.closedAt ?? null,
        closing,
      ],
    );
    if (event.type === SALES_EVENTS.dealCreated || event.type === SALES_EVENTS.dealStageChanged) {
      const m = event.data as Partial<SalesDealStageChangedPayload>;
      const moved = event.type === SALES_EVENTS.dealStageChanged;
      await manager.query(
        `INSERT INTO deal_stage_history (deal_id, version, pipeline_id, from_stage_id, to_stage_id, to_stage_name,
                                         probability, moved_at, seconds_in_from_stage, reopened)
         VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10) ON CONFLICT DO NOTHING`,
        [
          d.id ?? event.subject,
          version,
          d.pipelineId,
          moved ? (m.fromStageId ?? null) : null,
          moved ? (m.toStageId ?? d.stageId) : d.stageId,
          d.stageName ?? null,
          d.probability ?? null,
          moved ? (m.movedAt ?? event.time) : (d.createdAt ?? event.time),
          moved ? (m.secondsInFromStage ?? null) : null,
          moved ? (m.reopened ?? false) : false,
        ],
      );
    }
  }

  async handleBatch(events: CloudEvent<SalesDealPayload>[], manager: EntityManager): Promise<void> {
    await applyInRounds(
      events,
      (e) => e.data.id ?? e.subject,
      (e) => (e.type === SALES_EVENTS.dealWon || e.type === SALES_EVENTS.dealLost ? 'closing' : 'open'),
      (kind, round) => this.applyRound(kind === 'closing', round, manager),
    );
  }

  /** Events of distinct deals, all closing (won/lost) or none: `handle` on each. */
  private async applyRound(closing: boolean, events: CloudEvent<SalesDealPayload>[], manager: EntityManager) {
    const rows = events.map((event) => {
      const d = event.data;
      return [
        d.id ?? event.subject,
        event.version ?? d.version,
        d.contactId ?? null,
        d.pipelineId,
        d.stageId,
        d.stageName ?? null,
        d.status,
        d.amountMinor ?? 0,
        d.currency ?? 'EUR',
        d.source?.channel ?? null,
        d.source?.campaign ?? null,
        d.createdAt ?? event.time,
        d.closedAt ?? null,
      ];
    });
    await manager.query(
      `INSERT INTO deals AS d (deal_id, version, customer_id, pipeline_id, stage_id, stage_name, status, amount_minor,
                               currency, source_channel, source_campaign, created_at, closed_at, updated_at)
       SELECT id, version, CASE WHEN contact IS NULL THEN NULL ELSE ${resolveCustomerSql('contact')} END, pipeline, stage,
              stage_name, status, amount, currency, channel, campaign, created, closed, clock_timestamp()
         FROM unnest($1::uuid[], $2::int[], $3::uuid[], $4::uuid[], $5::uuid[], $6::text[], $7::text[], $8::bigint[],
                     $9::text[], $10::text[], $11::text[], $12::timestamptz[], $13::timestamptz[])
              AS t(id, version, contact, pipeline, stage, stage_name, status, amount, currency, channel, campaign, created, closed)
       ON CONFLICT (deal_id) DO UPDATE SET version = EXCLUDED.version, customer_id = EXCLUDED.customer_id,
         pipeline_id = EXCLUDED.pipeline_id, stage_id = EXCLUDED.stage_id, stage_name = EXCLUDED.stage_name,
         status = EXCLUDED.status, amount_minor = EXCLUDED.amount_minor, currency = EXCLUDED.currency,
         source_channel = EXCLUDED.source_channel, source_campaign = EXCLUDED.source_campaign,
         closed_at = EXCLUDED.closed_at, updated_at = EXCLUDED.updated_at
       WHERE d.version < EXCLUDED.version${closing ? ' OR d.version = EXCLUDED.version' : ''}`,
      Array.from({ length: 13 }, (_, i) => rows.map((r) => r[i])),
    );
    const moves = events
      .filter((e) => e.type === SALES_EVENTS.dealCreated || e.type === SALES_EVENTS.dealStageChanged)
      .map((event) => {
        const d = event.data;
        const m = event.data as Partial<SalesDealStageChangedPayload>;
        const moved = event.type === SALES_EVENTS.dealStageChanged;
        return [
          d.id ?? event.subject,
          event.version ?? d.version,
          d.pipelineId,
          moved ? (m.fromStageId ?? null) : null,
          moved ? (m.toStageId ?? d.stageId) : d.stageId,
          d.stageName ?? null,
          d.probability ?? null,
          moved ? (m.movedAt ?? event.time) : (d.createdAt ?? event.time),
          moved ? (m.secondsInFromStage ?? null) : null,
          moved ? (m.reopened ?? false) : false,
        ];
      });
    if (moves.length)
      await manager.query(
        `INSERT INTO deal_stage_history (deal_id, version, pipeline_id, from_stage_id, to_stage_id, to_stage_name,
                                         probability, moved_at, seconds_in_from_stage, reopened)
         SELECT * FROM unnest($1::uuid[], $2::int[], $3::uuid[], $4::uuid[], $5::uuid[], $6::text[], $7::int[],
                              $8::timestamptz[], $9::bigint[], $10::bool[])
         ON CONFLICT DO NOTHING`,
        Array.from({ length: 10 }, (_, i) => moves.map((r) => r[i])),
      );
  }
}
