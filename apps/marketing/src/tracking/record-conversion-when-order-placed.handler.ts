import { Inject, Injectable } from '@nestjs/common';
import type { EntityManager } from 'typeorm';
import { SALES_ORDERS_EVENTS, MARKETING_EVENTS, type TouchpointPayload } from '@crm/contracts';
import { EventPublisher, OnEvent, type CloudEvent, type EventHandler } from '@crm/messaging';
import { uuidv7 } from '@crm/persistence';
import { MARKETING_SETTINGS, type MarketingSettings } from '../shared/marketing-settings';
import type { OrderFields } from '../mirror/order-fields';

interface Attribution {
  campaign_id: string;
  channel: string;
  utm_source: string | null;
  utm_medium: string | null;
  utm_campaign: string | null;
}

/**
 * An order is a conversion of the campaign whose coupon it carries, else of
 * the campaign its UTM campaign names, else of the contact's last click
 * within the attribution window. One converted touchpoint per order.
 */
@Injectable()
@OnEvent(SALES_ORDERS_EVENTS.orderPlaced, SALES_ORDERS_EVENTS.orderPaid, SALES_ORDERS_EVENTS.orderFulfilled)
export class RecordConversionWhenOrderPlacedHandler implements EventHandler<OrderFields> {
  constructor(
    private readonly events: EventPublisher,
    @Inject(MARKETING_SETTINGS) private readonly settings: MarketingSettings,
  ) {}

  async handle(event: CloudEvent<OrderFields>, manager: EntityManager): Promise<void> {
    const [order]: {
      contact_id: string | null;
      coupon_codes: string[];
      utm_campaign: string | null;
      placed_at: Date;
    }[] = await manager.query(
      `SELECT contact_id, coupon_codes, utm_campaign, placed_at FROM mirror_orders WHERE order_id = $1 AND status NOT IN ('cancelled', 'refunded')`,
      [event.subject],
    );
    if (!order?.contact_id) return;
    const campaignCols = `c.id AS campaign_id, c.channel, c.utm_source, c.utm_medium, c.utm_campaign`;
    const [byCoupon]: Attribution[] = order.coupon_codes.length
      ? await manager.query(
          `SELECT ${campaignCols} FROM coupons k JOIN campaigns c ON c.id = k.campaign_id WHERE k.code = ANY($1)
           UNION ALL
           SELECT ${campaignCols} FROM promotions p JOIN campaigns c ON c.promotion_id = p.id AND c.started_at IS NOT NULL
            WHERE p.shared_code = ANY($1)
           LIMIT 1`,
          [order.coupon_codes],
        )
      : [];
    const [byUtm]: Attribution[] =
      !byCoupon && order.utm_campaign
        ? await manager.query(
            `SELECT ${campaignCols} FROM campaigns c WHERE c.utm_campaign = $1 ORDER BY c.started_at DESC NULLS LAST LIMIT 1`,
            [order.utm_campaign],
          )
        : [];
    const [byClick]: Attribution[] =
      !byCoupon && !byUtm
        ? await manager.query(
            `SELECT t.campaign_id, t.channel, t.utm_source, t.utm_medium, t.utm_campaign FROM touchpoints t
              WHERE t.contact_id = $1 AND t.kind = 'clicked' AND t.campaign_id IS NOT NULL
                AND t.occurred_at <= $2 AND t.occurred_at >= $2::timestamptz - make_interval(days => $3)
              ORDER BY t.occurred_at DESC LIMIT 1`,
            [order.contact_id, order.placed_at, this.settings.ATTRIBUTION_WINDOW_DAYS],
          )
        : [];
    const a = byCoupon ?? byUtm ?? byClick;
    if (!a) return;
    const id = uuidv7();
    const inserted: { occurred_at: Date }[] = await manager.query(
      `INSERT INTO touchpoints (id, contact_id, campaign_id, kind, channel, utm_source, utm_medium, utm_campaign, order_id, occurred_at)
       VALUES ($1, $2, $3, 'converted', $4, $5, $6, $7, $8, $9) ON CONFLICT DO NOTHING RETURNING occurred_at`,
      [
        id,
        order.contact_id,
        a.campaign_id,
        a.channel,
        a.utm_source,
        a.utm_medium,
        a.utm_campaign,
        event.subject,
        order.placed_at,
      ],
    );
    if (!inserted.length) return;
    const data: TouchpointPayload = {
      id,
      contactId: order.contact_id,
      campaignId: a.campaign_id,
      messageId: null,
      kind: 'converted',
      channel: a.channel as TouchpointPayload['channel'],
      utmSource: a.utm_source,
      utmMedium: a.utm_medium,
      utmCampaign: a.utm_campaign,
      url: null,
      orderId: event.subject,
      occurredAt: new Date(order.placed_at).toISOString(),
    };
    await this.events.publish(manager, { type: MARKETING_EVENTS.touchpointRecorded, subject: id, version: 1, data });
  }
}
