import type { EntityManager } from 'typeorm';

/**
 * The per-customer purchase summary (customer_orders), recomputed from the
 * customer's orders. Callers hold the customer's lock (lockCustomer) so two
 * orders of one customer applied at once cannot both write a stale summary.
 * A purchase day is a day with at least one order that is not cancelled;
 * spend is totals less refunds.
 */
export async function lockCustomer(manager: EntityManager, customerId: string): Promise<void> {
  await lockCustomers(manager, [customerId]);
}

/**
 * Several customers' locks, taken in id order in one statement: the row lock
 * of each one's summary row, created empty for a customer not seen before
 * (another transaction creating the same row waits for this one); an
 * existing row is locked by ON CONFLICT DO UPDATE even though its WHERE
 * leaves it unchanged. Row locks live in the rows, not in Postgres's shared
 * lock table, so a batch of thousands of customers cannot exhaust it
 * (advisory locks, one entry each, could).
 */
export async function lockCustomers(manager: EntityManager, customerIds: readonly string[]): Promise<void> {
  const ids = [...new Set(customerIds)].sort();
  if (ids.length === 0) return;
  await manager.query(
    `INSERT INTO customer_orders AS c (customer_id) SELECT id FROM unnest($1::uuid[]) AS t(id) ORDER BY id
     ON CONFLICT (customer_id) DO UPDATE SET customer_id = EXCLUDED.customer_id WHERE false`,
    [ids],
  );
}

export async function recomputeCustomerOrders(manager: EntityManager, customerId: string): Promise<void> {
  await recomputeCustomersOrders(manager, [customerId]);
}

/** recomputeCustomerOrders for several customers in one statement. */
export async function recomputeCustomersOrders(manager: EntityManager, customerIds: readonly string[]): Promise<void> {
  const ids = [...new Set(customerIds)];
  if (ids.length === 0) return;
  await manager.query(
    `WITH days AS (
       SELECT customer_id, placed_day AS day, count(*) AS n, sum(total_minor - refunded_minor) AS amount,
              min(placed_day) OVER (PARTITION BY customer_id) AS first_day
         FROM orders WHERE customer_id = ANY($1::uuid[]) AND status <> 'cancelled' GROUP BY customer_id, placed_day
     ), agg AS (
       SELECT c.id AS customer_id, min(d.day) AS first_day, max(d.day) AS last_day, count(d.day)::int AS purchase_days,
              COALESCE(sum(d.n), 0)::int AS orders, COALESCE(sum(d.amount), 0)::bigint AS monetary,
              COALESCE(sum(d.amount) FILTER (WHERE d.day > d.first_day), 0) AS repeat
         FROM unnest($1::uuid[]) AS c(id) LEFT JOIN days d ON d.customer_id = c.id
        GROUP BY c.id
     )
     INSERT INTO customer_orders AS c
       (customer_id, first_day, last_day, orders, purchase_days, monetary_minor, repeat_minor, updated_at)
     SELECT a.customer_id, a.first_day, a.last_day, a.orders, a.purchase_days, a.monetary, a.repeat, clock_timestamp()
       FROM agg a
     ON CONFLICT (customer_id) DO UPDATE SET
       first_day = EXCLUDED.first_day, last_day = EXCLUDED.last_day, orders = EXCLUDED.orders,
       purchase_days = EXCLUDED.purchase_days, monetary_minor = EXCLUDED.monetary_minor,
       repeat_minor = EXCLUDED.repeat_minor, updated_at = EXCLUDED.updated_at`,
    [ids],
  );
}

/** The customer an id now stands for: the merge target of a merged-away contact, else itself. */
export const RESOLVE_CUSTOMER_SQL = `COALESCE((SELECT merged_into FROM customer_facts
  WHERE contact_id = $CUSTOMER::uuid AND status = 'merged' AND merged_into IS NOT NULL), $CUSTOMER::uuid)`;

export function resolveCustomerSql(param: string): string {
  return RESOLVE_CUSTOMER_SQL.replaceAll('$CUSTOMER', param);
}
