import { Injectable } from '@nestjs/common';
import type { EntityManager } from 'typeorm';
import { SALES_ORDERS_EVENTS, type SalesProductPayload } from '@crm/contracts';
import { OnEvent, type CloudEvent, type EventHandler } from '@crm/messaging';

/** Product category and model, for the purchase-habit reports by category. */
@Injectable()
@OnEvent(SALES_ORDERS_EVENTS.productCreated, SALES_ORDERS_EVENTS.productUpdated)
export class ApplyProductEventsHandler implements EventHandler<SalesProductPayload> {
  async handle(event: CloudEvent<SalesProductPayload>, manager: EntityManager): Promise<void> {
    const p = event.data;
    await manager.query(
      `INSERT INTO products AS p (product_id, version, sku, category, model) VALUES ($1, $2, $3, $4, $5)
       ON CONFLICT (product_id) DO UPDATE SET version = EXCLUDED.version, sku = EXCLUDED.sku,
         category = EXCLUDED.category, model = EXCLUDED.model
       WHERE p.version < EXCLUDED.version`,
      [p.id ?? event.subject, event.version ?? p.version, p.sku, p.category, p.model],
    );
  }
}
