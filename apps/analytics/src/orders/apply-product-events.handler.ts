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

  /** The newest version of each product in the batch, in one statement (the first of equal versions, as one by one). */
  async handleBatch(events: CloudEvent<SalesProductPayload>[], manager: EntityManager): Promise<void> {
    const newest = new Map<string, [string, number, string | null, string | null, string | null]>();
    for (const event of events) {
      const p = event.data;
      const row: [string, number, string | null, string | null, string | null] = [
        p.id ?? event.subject,
        event.version ?? p.version,
        p.sku ?? null,
        p.category ?? null,
        p.model ?? null,
      ];
      const seen = newest.get(row[0]);
      if (!seen || row[1] > seen[1]) newest.set(row[0], row);
    }
    const rows = [...newest.values()];
    await manager.query(
      `INSERT INTO products AS p (product_id, version, sku, category, model)
       SELECT * FROM unnest($1::uuid[], $2::int[], $3::text[], $4::text[], $5::text[])
       ON CONFLICT (product_id) DO UPDATE SET version = EXCLUDED.version, sku = EXCLUDED.sku,
         category = EXCLUDED.category, model = EXCLUDED.model
       WHERE p.version < EXCLUDED.version`,
      Array.from({ length: 5 }, (_, i) => rows.map((r) => r[i])),
    );
  }
}
