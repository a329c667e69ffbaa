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

/**
 * Locks the customers a batch's contacts stand for (each resolved through
 * merges, as resolveCustomerSql does) in one statement, and returns them:
 * lockCustomers with the resolution folded in.
 */
export async function lockCustomersOfContacts(
  manager: EntityManager,
  contactIds: readonly string[],
): Promise<string[]> {
  const ids = [...new Set(contactIds)];
  if (ids.length === 0) return [];
  const rows: { id: string }[] = await manager.query(
    `WITH r AS (SELECT DISTINCT ${resolveCustomerSql('c')} AS id FROM unnest($1::uuid[]) AS t(c)),
     locked AS (
       INSERT INTO customer_orders AS co (customer_id) SELECT id FROM r ORDER BY id
       ON CONFLICT (customer_id) DO UPDATE SET customer_id = EXCLUDED.customer_id WHERE false)
     SELECT id FROM r`,
    [ids],
  );
  return rows.map((r) => r.id);
}

/**
 * What applying some orders' new versions changed for one customer's purchase
 * day: orders counted there (+1 an order now counted, -1 one no longer
 * counted or moved away) and their amount (totals less refunds).
 */
export interface DayDelta {
  customerId: string;
  day: string;
  orders: number;
  amountMinor: number;
}

/**
 * The summaries of the customers in `deltas` brought up to date from what
 * changed, in one statement, after the orders were written and with the
 * customers locked: orders and spend add up; a purchase day counts when it
 * has an order now and did not before (the day's orders are read, by the
 * (customer_id, placed_day) index, only for the days that changed); first
 * and last day move out to a new day, and are read again from the orders
 * only when their day was emptied; repeat spend is spend less the first
 * day's. The same result as recomputeCustomersOrders, without re-reading
 * every order of each customer. Deltas come from orders whose version
 * advanced, so a repeated or stale event adds nothing.
 */
export async function applySummaryDeltas(manager: EntityManager, deltas: readonly DayDelta[]): Promise<void> {
  if (deltas.length === 0) return;
  await manager.query(
    `WITH delta AS (
       SELECT c, d, sum(n)::int AS n, sum(a)::bigint AS a
         FROM jsonb_to_recordset($1::jsonb) AS t(c uuid, d date, n int, a bigint) GROUP BY c, d
     ), kinds AS (
       -- Whether the day had orders before and has them now follows from the summary, except for a day strictly
       -- inside the customer's range (or at its edge, losing an order) whose count of orders changed: only those
       -- are counted again from the orders (their post-write state).
       SELECT x.c, x.d, x.n AS dn, x.a AS da,
              CASE WHEN s.first_day IS NULL OR x.d < s.first_day OR x.d > s.last_day THEN 'outside'
                   WHEN x.n = 0 OR (x.n > 0 AND x.d IN (s.first_day, s.last_day)) THEN 'kept'
                   ELSE 'look' END AS kind
         FROM delta x JOIN customer_orders s ON s.customer_id = x.c
     ), day AS MATERIALIZED (
       SELECT c, d, dn, da, kind,
              CASE WHEN kind = 'look' THEN (SELECT count(*)::int FROM orders o
                WHERE o.customer_id = k.c AND o.placed_day = k.d AND o.status <> 'cancelled') END AS n_after
         FROM kinds k
     ), days AS (
       SELECT c, d, dn, da,
              CASE kind WHEN 'outside' THEN false WHEN 'kept' THEN true ELSE n_after - dn > 0 END AS before,
              CASE kind WHEN 'outside' THEN dn > 0 WHEN 'kept' THEN true ELSE n_after > 0 END AS after
         FROM day
     ), per AS (
       SELECT c, sum(dn)::int AS dn, sum(da)::bigint AS da,
              (count(*) FILTER (WHERE after) - count(*) FILTER (WHERE before))::int AS ddays,
              min(d) FILTER (WHERE after) AS min_day, max(d) FILTER (WHERE after) AS max_day,
              array_agg(d) FILTER (WHERE before AND NOT after) AS emptied
         FROM days GROUP BY c
     ), next AS (
       SELECT s.customer_id, s.orders + p.dn AS orders, s.monetary_minor + p.da AS monetary,
              s.purchase_days + p.ddays AS purchase_days, s.first_day AS old_first,
              s.monetary_minor - s.repeat_minor AS old_first_amount,
              CASE WHEN s.first_day = ANY(p.emptied)
                   THEN (SELECT min(placed_day) FROM orders WHERE customer_id = s.customer_id AND status <> 'cancelled')
                   ELSE least(s.first_day, p.min_day) END AS first_day,
              CASE WHEN s.last_day = ANY(p.emptied)
                   THEN (SELECT max(placed_day) FROM orders WHERE customer_id = s.customer_id AND status <> 'cancelled')
                   ELSE greatest(s.last_day, p.max_day) END AS last_day
         FROM customer_orders s JOIN per p ON p.c = s.customer_id
     ), firsts AS (
       -- The first day's spend: the old first day's plus what changed on it, or a new day's (it had none before),
       -- else (the first day emptied, the next one not in the batch) read from the orders.
       SELECT n.*, CASE WHEN n.first_day = n.old_first THEN n.old_first_amount + COALESCE(d.da, 0)
                        WHEN d.c IS NOT NULL AND NOT d.before THEN d.da END AS first_amount
         FROM next n LEFT JOIN days d ON d.c = n.customer_id AND d.d = n.first_day
     )
     UPDATE customer_orders AS co SET
       orders = n.orders, monetary_minor = n.monetary, purchase_days = n.purchase_days,
       first_day = n.first_day, last_day = n.last_day,
       repeat_minor = CASE WHEN n.first_day IS NULL THEN 0 ELSE n.monetary - COALESCE(
         n.first_amount,
         (SELECT sum(total_minor - refunded_minor) FROM orders
           WHERE customer_id = n.customer_id AND placed_day = n.first_day AND status <> 'cancelled'),
         0) END,
       updated_at = clock_timestamp()
     FROM firsts n WHERE co.customer_id = n.customer_id`,
    [JSON.stringify(deltas.map((x) => ({ c: x.customerId, d: x.day, n: x.orders, a: x.amountMinor })))],
  );
}
