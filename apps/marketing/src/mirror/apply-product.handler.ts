import { Injectable } from '@nestjs/common';
import type { EntityManager } from 'typeorm';
import { SALES_ORDERS_EVENTS, type SalesProductPayload } from '@crm/contracts';
import { OnEvent, type CloudEvent, type EventHandler } from '@crm/messaging';

/** Product categories, for "bought in category" segments and per-category loyalty multipliers. */
@Injectable()
@OnEvent(SALES_ORDERS_EVENTS.productCreated, SALES_ORDERS_EVENTS.productUpdated)
export class ApplyProductHandler implements EventHandler<Partial<SalesProductPayload>> {
  async handle(event: CloudEvent<Partial<SalesProductPayload>>, manager: EntityManager): Promise<void> {
    const d = event.data ?? {};
    await manager.query(
      `INSERT INTO mirror_products AS p (product_id, version, sku, category) VALUES ($1, $2, $3, $4)
       ON CONFLICT (product_id) DO UPDATE SET version = EXCLUDED.version, sku = EXCLUDED.sku, category = EXCLUDED.category
       WHERE p.version < EXCLUDED.version`,
      [event.subject, event.version, d.sku ?? null, d.category ?? null],
    );
  }
}
