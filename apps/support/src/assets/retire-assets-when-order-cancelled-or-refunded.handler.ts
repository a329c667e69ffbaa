import { Injectable } from '@nestjs/common';
import type { EntityManager } from 'typeorm';
import { SALES_ORDERS_EVENTS, SUPPORT_EVENTS, type SupportAssetPayload } from '@crm/contracts';
import { EventPublisher, OnEvent, type CloudEvent, type EventHandler } from '@crm/messaging';
import { isUuid, queryReturning } from '@crm/persistence';
import { toAssetPayload, type AssetRow } from './asset-view';

interface CancelOrRefundFields {
  id: string;
  fullyRefunded?: boolean;
  refund?: { lines?: { lineId: string; serialNumbers?: string[]; quantity: number }[] };
}

/**
 * A cancelled or fully refunded order retires all its assets; a partial
 * refund retires the refunded units of each line: the serials it names, else
 * that many active units of the line (the last ones first).
 */
@Injectable()
@OnEvent(SALES_ORDERS_EVENTS.orderCancelled, SALES_ORDERS_EVENTS.orderRefunded)
export class RetireAssetsWhenOrderCancelledOrRefundedHandler implements EventHandler<CancelOrRefundFields> {
  constructor(private readonly events: EventPublisher) {}

  async handle(event: CloudEvent<CancelOrRefundFields>, m: EntityManager): Promise<void> {
    const o = event.data;
    if (!o || !isUuid(o.id)) throw new Error('order event without id');
    const cancelled = event.type === SALES_ORDERS_EVENTS.orderCancelled;
    const reason = cancelled ? 'cancelled' : 'refunded';
    const retire = (where: string, params: unknown[]) =>
      queryReturning<AssetRow>(
        m,
        `UPDATE assets SET status = 'retired', retired_reason = '${reason}', retired_at = now(), version = version + 1
          WHERE id IN (${where}) RETURNING *`,
        params,
      );
    const retired: AssetRow[] = [];
    if (cancelled || o.fullyRefunded) {
      retired.push(...(await retire(`SELECT id FROM assets WHERE order_id = $1 AND status = 'active'`, [o.id])));
    } else {
      for (const line of o.refund?.lines ?? []) {
        if (!isUuid(line.lineId)) continue;
        const serials = (line.serialNumbers ?? []).filter((s) => typeof s === 'string');
        if (serials.length) {
          retired.push(
            ...(await retire(
              `SELECT id FROM assets WHERE order_line_id = $1 AND status = 'active' AND serial_number = ANY($2::text[])`,
              [line.lineId, serials],
            )),
          );
        } else {
          const n = Math.max(0, Math.floor(Number(line.quantity) || 0));
          retired.push(
            ...(await retire(
              `SELECT id FROM assets WHERE order_line_id = $1 AND status = 'active' ORDER BY unit_no DESC LIMIT $2`,
              [line.lineId, n],
            )),
          );
        }
      }
    }
    await this.events.publishAll<SupportAssetPayload>(
      m,
      retired.map((a) => ({
        type: SUPPORT_EVENTS.assetRetired,
        subject: a.id,
        version: a.version,
        data: toAssetPayload(a),
      })),
    );
  }
}
