import { Injectable } from '@nestjs/common';
import type { EntityManager } from 'typeorm';
import {
  MARKETING_EVENTS,
  type CampaignPayload,
  type CouponRedemptionPayload,
  type MessageSentPayload,
  type PointsPayload,
  type SurveyAnsweredPayload,
  type TouchpointPayload,
} from '@crm/contracts';
import { OnEvent, type CloudEvent, type EventHandler } from '@crm/messaging';
import { resolveCustomerSql } from '../orders/customer-orders.repository';
import { applyInRounds } from '../shared/batch-rounds';

const CUSTOMER = resolveCustomerSql('$2');

/**
 * Campaigns (name, channel, cost) at their newest version; touchpoints
 * (a sent message is the `sent` touchpoint), coupon redemptions, points and
 * survey answers once each, by their own id. Coupon codes are kept only as
 * a hash; no address, text or URL is kept. A batch does the same in one
 * statement per table and round of distinct rows.
 */
@Injectable()
@OnEvent(
  MARKETING_EVENTS.campaignScheduled,
  MARKETING_EVENTS.campaignStarted,
  MARKETING_EVENTS.campaignCompleted,
  MARKETING_EVENTS.messageSent,
  MARKETING_EVENTS.touchpointRecorded,
  MARKETING_EVENTS.couponRedeemed,
  MARKETING_EVENTS.couponRejected,
  MARKETING_EVENTS.pointsEarned,
  MARKETING_EVENTS.pointsRedeemed,
  MARKETING_EVENTS.pointsExpired,
  MARKETING_EVENTS.surveyAnswered,
)
export class ApplyMarketingEventsHandler implements EventHandler<unknown> {
  async handle(event: CloudEvent<unknown>, manager: EntityManager): Promise<void> {
    switch (event.type) {
      case MARKETING_EVENTS.campaignScheduled:
      case MARKETING_EVENTS.campaignStarted:
      case MARKETING_EVENTS.campaignCompleted: {
        const c = event.data as CampaignPayload;
        await manager.query(
          `INSERT INTO campaigns AS c (campaign_id, version, name, channel, cost_minor, currency, utm_campaign)
           VALUES ($1, $2, $3, $4, $5, $6, $7)
           ON CONFLICT (campaign_id) DO UPDATE SET version = EXCLUDED.version, name = EXCLUDED.name,
             channel = EXCLUDED.channel, cost_minor = EXCLUDED.cost_minor, currency = EXCLUDED.currency,
             utm_campaign = EXCLUDED.utm_campaign
           WHERE c.version <= EXCLUDED.version`,
          [
            c.id ?? event.subject,
            event.version ?? c.version,
            c.name,
            c.channel,
            c.costMinor,
            c.currency,
            c.utmCampaign,
          ],
        );
        return;
      }
      case MARKETING_EVENTS.messageSent: {
        const m = event.data as MessageSentPayload;
        await this.touch(manager, `message:${m.messageId}`, m.contactId, {
          campaignId: m.campaignId,
          kind: 'sent',
          channel: m.channel,
          utmSource: m.utmSource,
          utmMedium: m.utmMedium,
          utmCampaign: m.utmCampaign,
          orderId: null,
          occurredAt: m.sentAt,
        });
        return;
      }
      case MARKETING_EVENTS.touchpointRecorded: {
        const t = event.data as TouchpointPayload;
        await this.touch(manager, t.id, t.contactId, t);
        return;
      }
      case MARKETING_EVENTS.couponRedeemed:
      case MARKETING_EVENTS.couponRejected: {
        const r = event.data as CouponRedemptionPayload;
        await manager.query(
          `INSERT INTO coupon_redemptions (order_id, code_hash, customer_id, promotion_id, outcome, reason, at)
           VALUES ($1, md5($3), CASE WHEN $2::uuid IS NULL THEN NULL ELSE ${CUSTOMER} END, $4, $5, $6, $7)
           ON CONFLICT (order_id, code_hash) DO UPDATE SET outcome = EXCLUDED.outcome, reason = EXCLUDED.reason, at = EXCLUDED.at
           WHERE coupon_redemptions.at <= EXCLUDED.at`,
          [r.orderId, r.contactId, r.code, r.promotionId, r.outcome, r.reason, r.at],
        );
        return;
      }
      case MARKETING_EVENTS.pointsEarned:
      case MARKETING_EVENTS.pointsRedeemed:
      case MARKETING_EVENTS.pointsExpired: {
        const p = event.data as PointsPayload;
        await manager.query(
          `INSERT INTO points_entries (entry_id, customer_id, program_id, kind, points, at)
           VALUES ($1, ${CUSTOMER}, $3, $4, $5, $6) ON CONFLICT DO NOTHING`,
          [p.entryId, p.contactId, p.programId, event.type.split('.').pop(), p.points, p.at],
        );
        return;
      }
      case MARKETING_EVENTS.surveyAnswered: {
        const s = event.data as SurveyAnsweredPayload;
        await manager.query(
          `INSERT INTO survey_answers (response_id, customer_id, survey_id, nps, answered_at)
           VALUES ($1, CASE WHEN $2::uuid IS NULL THEN NULL ELSE ${CUSTOMER} END, $3, $4, $5) ON CONFLICT DO NOTHING`,
          [s.responseId, s.contactId, s.surveyId, s.nps, s.answeredAt],
        );
        return;
      }
    }
  }

  private async touch(
    manager: EntityManager,
    id: string,
    contactId: string,
    t: Pick<
      TouchpointPayload,
      'campaignId' | 'kind' | 'channel' | 'utmSource' | 'utmMedium' | 'utmCampaign' | 'orderId' | 'occurredAt'
    >,
  ): Promise<void> {
    await manager.query(
      `INSERT INTO touchpoints (touchpoint_id, customer_id, campaign_id, kind, channel, utm_source, utm_medium,
                                utm_campaign, order_id, occurred_at)
       VALUES ($1, ${CUSTOMER}, $3, $4, $5, $6, $7, $8, $9, $10) ON CONFLICT DO NOTHING`,
      [
        id,
        contactId,
        t.campaignId,
        t.kind,
        t.channel,
        t.utmSource,
        t.utmMedium,
        t.utmCampaign,
        t.orderId,
        t.occurredAt,
      ],
    );
  }

  async handleBatch(events: CloudEvent<unknown>[], manager: EntityManager): Promise<void> {
    await applyInRounds(events, rowKey, kindOf, async (kind, round) => {
      switch (kind) {
        case 'campaign': {
          const rows = round.map((e) => {
            const c = e.data as CampaignPayload;
            return [
              c.id ?? e.subject,
              e.version ?? c.version,
              c.name,
              c.channel,
              c.costMinor,
              c.currency,
              c.utmCampaign,
            ];
          });
          await manager.query(
            `INSERT INTO campaigns AS c (campaign_id, version, name, channel, cost_minor, currency, utm_campaign)
             SELECT * FROM unnest($1::uuid[], $2::int[], $3::text[], $4::text[], $5::bigint[], $6::text[], $7::text[])
             ON CONFLICT (campaign_id) DO UPDATE SET version = EXCLUDED.version, name = EXCLUDED.name,
               channel = EXCLUDED.channel, cost_minor = EXCLUDED.cost_minor, currency = EXCLUDED.currency,
               utm_campaign = EXCLUDED.utm_campaign
             WHERE c.version <= EXCLUDED.version`,
            transpose(rows, 7),
          );
          return;
        }
        case 'touch': {
          const rows = round.map((e) => {
            const t = touchOf(e);
            return [
              t.id,
              t.contactId,
              t.campaignId,
              t.kind,
              t.channel,
              t.utmSource,
              t.utmMedium,
              t.utmCampaign,
              t.orderId,
              t.occurredAt,
            ];
          });
          await manager.query(
            `INSERT INTO touchpoints (touchpoint_id, customer_id, campaign_id, kind, channel, utm_source, utm_medium,
                                      utm_campaign, order_id, occurred_at)
             SELECT id, ${resolveCustomerSql('contact')}, campaign, kind, channel, utm_source, utm_medium, utm_campaign,
                    order_id, occurred
               FROM unnest($1::text[], $2::uuid[], $3::uuid[], $4::text[], $5::text[], $6::text[], $7::text[], $8::text[],
                           $9::uuid[], $10::timestamptz[])
                    AS t(id, contact, campaign, kind, channel, utm_source, utm_medium, utm_campaign, order_id, occurred)
             ON CONFLICT DO NOTHING`,
            transpose(rows, 10),
          );
          return;
        }
        case 'coupon': {
          const rows = round.map((e) => {
            const r = e.data as CouponRedemptionPayload;
            return [r.orderId, r.contactId, r.code, r.promotionId, r.outcome, r.reason, r.at];
          });
          await manager.query(
            `INSERT INTO coupon_redemptions (order_id, code_hash, customer_id, promotion_id, outcome, reason, at)
             SELECT order_id, md5(code), CASE WHEN contact IS NULL THEN NULL ELSE ${resolveCustomerSql('contact')} END,
                    promotion, outcome, reason, at
               FROM unnest($1::uuid[], $2::uuid[], $3::text[], $4::uuid[], $5::text[], $6::text[], $7::timestamptz[])
                    AS t(order_id, contact, code, promotion, outcome, reason, at)
             ON CONFLICT (order_id, code_hash) DO UPDATE SET outcome = EXCLUDED.outcome, reason = EXCLUDED.reason, at = EXCLUDED.at
             WHERE coupon_redemptions.at <= EXCLUDED.at`,
            transpose(rows, 7),
          );
          return;
        }
        case 'points': {
          const rows = round.map((e) => {
            const p = e.data as PointsPayload;
            return [p.entryId, p.contactId, p.programId, e.type.split('.').pop(), p.points, p.at];
          });
          await manager.query(
            `INSERT INTO points_entries (entry_id, customer_id, program_id, kind, points, at)
             SELECT entry, ${resolveCustomerSql('contact')}, program, kind, points, at
               FROM unnest($1::uuid[], $2::uuid[], $3::uuid[], $4::text[], $5::int[], $6::timestamptz[])
                    AS t(entry, contact, program, kind, points, at)
             ON CONFLICT DO NOTHING`,
            transpose(rows, 6),
          );
          return;
        }
        case 'survey': {
          const rows = round.map((e) => {
            const s = e.data as SurveyAnsweredPayload;
            return [s.responseId, s.contactId, s.surveyId, s.nps, s.answeredAt];
          });
          await manager.query(
            `INSERT INTO survey_answers (response_id, customer_id, survey_id, nps, answered_at)
             SELECT response, CASE WHEN contact IS NULL THEN NULL ELSE ${resolveCustomerSql('contact')} END, survey, nps, answered
               FROM unnest($1::uuid[], $2::uuid[], $3::uuid[], $4::int[], $5::timestamptz[])
                    AS t(response, contact, survey, nps, answered)
             ON CONFLICT DO NOTHING`,
            transpose(rows, 5),
          );
          return;
        }
      }
    });
  }
}

type MarketingKind = 'campaign' | 'touch' | 'coupon' | 'points' | 'survey';

function kindOf(event: CloudEvent<unknown>): MarketingKind | null {
  switch (event.type) {
    case MARKETING_EVENTS.campaignScheduled:
    case MARKETING_EVENTS.campaignStarted:
    case MARKETING_EVENTS.campaignCompleted:
      return 'campaign';
    case MARKETING_EVENTS.messageSent:
    case MARKETING_EVENTS.touchpointRecorded:
      return 'touch';
    case MARKETING_EVENTS.couponRedeemed:
    case MARKETING_EVENTS.couponRejected:
      return 'coupon';
    case MARKETING_EVENTS.pointsEarned:
    case MARKETING_EVENTS.pointsRedeemed:
    case MARKETING_EVENTS.pointsExpired:
      return 'points';
    case MARKETING_EVENTS.surveyAnswered:
      return 'survey';
    default:
      return null;
  }
}

/** A sent message is its `sent` touchpoint. */
function touchOf(event: CloudEvent<unknown>): TouchpointPayload {
  if (event.type !== MARKETING_EVENTS.messageSent) return event.data as TouchpointPayload;
  const m = event.data as MessageSentPayload;
  return {
    id: `message:${m.messageId}`,
    contactId: m.contactId,
    campaignId: m.campaignId,
    messageId: m.messageId,
    kind: 'sent',
    channel: m.channel,
    utmSource: m.utmSource,
    utmMedium: m.utmMedium,
    utmCampaign: m.utmCampaign,
    url: null,
    orderId: null,
    occurredAt: m.sentAt,
  };
}

/** The row an event writes, by table. */
function rowKey(event: CloudEvent<unknown>): string {
  const kind = kindOf(event);
  switch (kind) {
    case 'campaign':
      return `campaign:${(event.data as CampaignPayload).id ?? event.subject}`;
    case 'touch':
      return `touch:${touchOf(event).id}`;
    case 'coupon': {
      const r = event.data as CouponRedemptionPayload;
      return `coupon:${r.orderId}:${r.code}`;
    }
    case 'points':
      return `points:${(event.data as PointsPayload).entryId}`;
    case 'survey':
      return `survey:${(event.data as SurveyAnsweredPayload).responseId}`;
    default:
      return `other:${event.id}`;
  }
}

/** Row tuples to column arrays, for unnest. */
function transpose(rows: unknown[][], width: number): unknown[][] {
  return Array.from({ length: width }, (_, i) => rows.map((r) => r[i]));
}
