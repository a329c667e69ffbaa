import { Inject, Injectable } from '@nestjs/common';
import type { EntityManager } from 'typeorm';
import { SALES_ORDERS_EVENTS, SUPPORT_EVENTS, type SupportAssetPayload } from '@crm/contracts';
import { EventPublisher, OnEvent, type CloudEvent, type EventHandler } from '@crm/messaging';
import { isUuid, uuidv7 } from '@crm/persistence';
import { SUPPORT_CONFIG, type SupportConfig } from '../shared/support-config';
import { toAssetPayload, type AssetRow } from './asset-view';

/** The few order fields support reads; the rest of sales' SalesOrderPayload is ignored. */
interface OrderFields {
  id: string;
  channel: string;
  contactId: string | null;
  accountId: string | null;
  placedAt: string;
  lines: {
    id: string;
    productId: string | null;
    sku: string | null;
    name: string;
    model: string | null;
    serialNumbers?: string[];
    quantity: number;
  }[];
}

/** Units per line at most: a bulk line of 10,000 cables is not 10,000 assets worth tracking. */
const MAX_UNITS_PER_LINE = 500;

/**
 * One asset per unit sold (serial from the line where given), with its
 * warranty end from the product's warranty policy or the default. Unique per
 * (line, unit), so an order placed twice under two event ids adds nothing.
 */
@Injectable()
@OnEvent(SALES_ORDERS_EVENTS.orderPlaced)
export class CreateAssetsWhenOrderPlacedHandler implements EventHandler<OrderFields> {
  constructor(
    private readonly events: EventPublisher,
    @Inject(SUPPORT_CONFIG) private readonly config: SupportConfig,
  ) {}

  async handle(event: CloudEvent<OrderFields>, m: EntityManager): Promise<void> {
    const o = event.data;
    if (!o || !isUuid(o.id) || !Array.isArray(o.lines)) throw new Error('order.placed without id or lines');
    const boughtAt = new Date(o.placedAt ?? event.time);
    const created: AssetRow[] = [];
    for (const line of o.lines) {
      if (!isUuid(line.id)) continue;
      const units = Math.min(Math.max(0, Math.floor(Number(line.quantity) || 0)), MAX_UNITS_PER_LINE);
      const [policy]: { months: number }[] = line.productId
        ? await m.query(`SELECT months FROM warranty_policies WHERE product_id = $1`, [line.productId])
        : [];
      const months = policy?.months ?? this.config.WARRANTY_DEFAULT_MONTHS;
      for (let unit = 1; unit <= units; unit++) {
        const rows: AssetRow[] = await m.query(
          `INSERT INTO assets (id, contact_id, account_id, order_id, order_line_id, unit_no, product_id, sku, model,
                               serial_number, bought_at, channel, warranty_ends_at)
           VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12,
                   CASE WHEN $13::int > 0 THEN $11::timestamptz + make_interval(months => $13::int) END)
           ON CONFLICT (order_line_id, unit_no) DO NOTHING RETURNING *`,
          [
            uuidv7(),
            isUuid(o.contactId) ? o.contactId : null,
            isUuid(o.accountId) ? o.accountId : null,
            o.id,
            line.id,
            unit,
            isUuid(line.productId) ? line.productId : null,
            line.sku ?? null,
            (line.model || line.name || 'unknown').slice(0, 300),
            line.serialNumbers?.[unit - 1]?.slice(0, 200) ?? null,
            boughtAt,
            String(o.channel ?? 'unknown').slice(0, 50),
            months,
          ],
        );
        created.push(...rows);
      }
    }
    await this.events.publishAll<SupportAssetPayload>(
      m,
      created.map((a) => ({ type: SUPPORT_EVENTS.assetCreated, subject: a.id, version: 1, data: toAssetPayload(a) })),
    );
  }
}
