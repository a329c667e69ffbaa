import type { EntityManager } from 'typeorm';

/**
 * The per-customer purchase summary (customer_orders), recomputed from the
 * customer's orders. Callers hold the customer's lock (lockCustomer) so two
 * orders of one customer applied at once cannot both write a stale summary.
 * A purchase day is a day with at least one order that is not cancelled;
 * spend is totals less refunds.
 */
export async function lockCustomer(manager: EntityManager, customerId: string): Promise<void> {
  await manager.query(`SELECT pg_advisory_xact_lock(hashtextextended($1::text, 7105))`, [customerId]);
}

export async function recomputeCustomerOrders(manager: EntityManager, customerId: string): Promise<void> {
  await manager.query(
    `WITH days AS (
       SELECT placed_day AS day, count(*) AS n, sum(total_minor - refunded_minor) AS amount
         FROM orders WHERE customer_id = $1 AND status <> 'cancelled' GROUP BY placed_day
     ), agg AS (
       SELECT min(day) AS first_day, max(day) AS last_day, count(*)::int AS purchase_days,
              COALESCE(sum(n), 0)::int AS orders, COALESCE(sum(amount), 0)::bigint AS monetary
         FROM days
     )
     INSERT INTO customer_orders AS c
       (customer_id, first_day, last_day, orders, purchase_days, monetary_minor, repeat_minor, updated_at)
     SELECT $1, first_day, last_day, orders, purchase_days, monetary,
            COALESCE((SELECT sum(amount) FROM days WHERE day > agg.first_day), 0), clock_timestamp()
       FROM agg
     ON CONFLICT (customer_id) DO UPDATE SET
       first_day = EXCLUDED.first_day, last_day = EXCLUDED.last_day, orders = EXCLUDED.orders,
       purchase_days = EXCLUDED.purchase_days, monetary_minor = EXCLUDED.monetary_minor,
       repeat_minor = EXCLUDED.repeat_minor, updated_at = EXCLUDED.updated_at`,
    [customerId],
  );
}

/** The customer an id now stands for: the merge target of a merged-away contact, else itself. */
export const RESOLVE_CUSTOMER_SQL = `COALESCE((SELECT merged_into FROM customer_facts
  WHERE contact_id = $CUSTOMER::uuid AND status = 'merged' AND merged_into IS NOT NULL), $CUSTOMER::uuid)`;

export function resolveCustomerSql(param: string): string {
  return RESOLVE_CUSTOMER_SQL.replaceAll('$CUSTOMER', param);
}
