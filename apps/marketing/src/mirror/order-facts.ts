import type { EntityManager } from 'typeorm';

/** The order facts segments read (count, total, first/last order, products and categories), from the orders kept. */
export async function recomputeOrderFacts(manager: EntityManager, contactId: string): Promise<void> {
  await manager.query(
    `UPDATE contact_mirror m SET
       order_count = f.n, order_total_minor = f.total, first_order_at = f.first_at, last_order_at = f.last_at,
       products = f.products, categories = f.categories, updated_at = clock_timestamp()
     FROM (
       SELECT count(*)::int AS n, COALESCE(sum(total_minor), 0)::bigint AS total, min(placed_at) AS first_at,
              max(placed_at) AS last_at,
              COALESCE((SELECT array_agg(DISTINCT p) FROM mirror_orders o2, unnest(o2.products) p
                         WHERE o2.contact_id = $1 AND o2.status NOT IN ('cancelled', 'refunded')), '{}') AS products,
              COALESCE((SELECT array_agg(DISTINCT c) FROM mirror_orders o3, unnest(o3.categories) c
                         WHERE o3.contact_id = $1 AND o3.status NOT IN ('cancelled', 'refunded')), '{}') AS categories
         FROM mirror_orders o WHERE o.contact_id = $1 AND o.status NOT IN ('cancelled', 'refunded')
     ) f
     WHERE m.contact_id = $1`,
    [contactId],
  );
}
