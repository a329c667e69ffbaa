import type { EntityManager } from 'typeorm';
import type { AfterStaging, ImportBatch, ImportBatchResult, ImportProblem } from '@crm/bulk';
import { SALES_ORDERS_EVENTS } from '@crm/contracts';
import type { OrdersMapping } from './order-import-rows';

const ISO = (col: string) => `to_char(${col} AT TIME ZONE 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS.MS"Z"')`;

function header(mapping: OrdersMapping, field: string): string {
  return Object.entries(mapping.columns).find(([, f]) => f === field)?.[0] ?? field;
}

/**
 * After the upload, before the job: the staged lines become orders (one per
 * channel and external order id). An order is imported whole or not at all:
 * one refused line, lines that disagree on the order's fields, a contact
 * external id sales does not know, or an SKU the catalogue does not know on a
 * line without a name refuse every line of it, each in the error report.
 * The orders left are numbered by customer, then placed at: batches take
 * them in that order and so the events of one customer go out in order.
 */
export async function groupOrders(m: EntityManager, importId: string, mapping: OrdersMapping): Promise<AfterStaging> {
  await m.query(`SET LOCAL jit = off`);
  await m.query(`SET LOCAL work_mem = '64MB'`);
  // The staged lines were just copied in: their statistics are what the grouping and the SKU check are planned by.
  await m.query(`ANALYZE order_import_staged`);
  await m.query(
    `INSERT INTO order_import_orders (import_id, channel, external_order_id, first_row, lines, problem, location, placed_at,
            status, contact_id, contact_external_id, currency, currency_digits, gross_minor, discount_minor, net_minor,
            tax_minor, total_minor)
     SELECT $1, channel, external_order_id, min(row_no), count(*),
            CASE WHEN bool_or(NOT ok) THEN 'line:' || min(row_no) FILTER (WHERE NOT ok)
                 WHEN count(DISTINCT currency) > 1 THEN 'differs:currency'
                 WHEN count(DISTINCT placed_at) > 1 THEN 'differs:placedAt'
                 WHEN count(DISTINCT status) > 1 THEN 'differs:status'
                 WHEN count(DISTINCT location) > 1 THEN 'differs:location'
                 WHEN count(DISTINCT contact_id) > 1 THEN 'differs:contactId'
                 WHEN count(DISTINCT contact_external_id) > 1 THEN 'differs:contactExternalId'
                 WHEN count(*) > 200 THEN 'lines' END,
            min(location), min(placed_at), min(status), (array_agg(contact_id) FILTER (WHERE contact_id IS NOT NULL))[1],
            min(contact_external_id), min(currency), min(currency_digits), sum(gross_minor), sum(discount_minor),
            sum(net_minor), sum(tax_minor), sum(total_minor)
       FROM order_import_staged WHERE import_id = $1 AND channel IS NOT NULL
      GROUP BY channel, external_order_id`,
    [importId],
  );
  // Filled in this transaction: without statistics the planner takes it for one row and looks up each
  // order's contact (and SKU) in a nested loop, which grows with the square of the file's orders.
  await m.query(`ANALYZE order_import_orders`);
  // A line naming an SKU the catalogue does not know needs a name (a free-text line), as POST /orders says.
  await m.query(
    `UPDATE order_import_orders o SET problem = 'sku:' || x.row_no
       FROM (SELECT DISTINCT ON (s.channel, s.external_order_id) s.channel, s.external_order_id, s.row_no
               FROM order_import_staged s
              WHERE s.import_id = $1 AND s.ok AND s.sku IS NOT NULL AND s.name IS NULL
                AND NOT EXISTS (SELECT 1 FROM products p WHERE lower(p.sku) = lower(s.sku))
              ORDER BY s.channel, s.external_order_id, s.row_no) x
      WHERE o.import_id = $1 AND o.channel = x.channel AND o.external_order_id = x.external_order_id AND o.problem IS NULL`,
    [importId],
  );
  // The contact as sales' mirror knows it: a merged contact's orders go to its target; the account is the contact's.
  await m.query(
    `UPDATE order_import_orders o SET contact_id = COALESCE(c.merged_into, c.contact_id), account_id = c.account_id
       FROM contact_mirror c
      WHERE o.import_id = $1 AND o.contact_id IS NOT NULL AND c.contact_id = o.contact_id`,
    [importId],
  );
  await m.query(
    `UPDATE order_import_orders o SET contact_id = x.contact_id, account_id = x.account_id
       FROM (SELECT DISTINCT ON (c.external_id) c.external_id, COALESCE(c.merged_into, c.contact_id) AS contact_id,
                    c.account_id
               FROM contact_mirror c
              WHERE c.external_id IN (SELECT contact_external_id FROM order_import_orders
                                       WHERE import_id = $1 AND contact_external_id IS NOT NULL)
              ORDER BY c.external_id, (c.merged_into IS NULL) DESC, c.updated_at DESC) x
      WHERE o.import_id = $1 AND o.contact_id IS NULL AND o.contact_external_id = x.external_id`,
    [importId],
  );
  await m.query(
    `UPDATE order_import_orders SET problem = 'contact'
      WHERE import_id = $1 AND problem IS NULL AND contact_id IS NULL AND contact_external_id IS NOT NULL`,
    [importId],
  );
  const units: { n: number }[] = await m.query(
    `WITH numbered AS (
       SELECT channel, external_order_id,
              row_number() OVER (ORDER BY contact_id NULLS LAST, placed_at, channel, external_order_id) AS seq
         FROM order_import_orders WHERE import_id = $1 AND problem IS NULL
     ), done AS (
       UPDATE order_import_orders o SET seq = n.seq FROM numbered n
        WHERE o.import_id = $1 AND o.channel = n.channel AND o.external_order_id = n.external_order_id
       RETURNING 1)
     SELECT count(*)::int AS n FROM done`,
    [importId],
  );
  // Every good line of a refused order, in the report with the reason (its own refused lines are there already).
  const col = (f: string) => header(mapping, f);
  await m.query(
    `INSERT INTO import_errors (import_id, row_no, column_name, value, message)
     SELECT $1, s.row_no,
            CASE WHEN o.problem LIKE 'differs:%' THEN COALESCE(($2::jsonb) ->> split_part(o.problem, ':', 2), split_part(o.problem, ':', 2))
                 WHEN o.problem = 'contact' THEN $3
                 WHEN s.row_no = CASE WHEN o.problem LIKE 'sku:%' THEN split_part(o.problem, ':', 2)::int END THEN $4
                 ELSE $5 END,
            CASE WHEN o.problem = 'contact' THEN s.contact_external_id
                 WHEN s.row_no = CASE WHEN o.problem LIKE 'sku:%' THEN split_part(o.problem, ':', 2)::int END THEN NULL
                 WHEN o.problem LIKE 'differs:%' THEN NULL
                 ELSE s.external_order_id END,
            CASE WHEN o.problem LIKE 'differs:%' THEN 'differs between the lines of order ' || o.external_order_id
                 WHEN o.problem = 'contact' THEN 'is not a contact sales knows (no contact has this external id)'
                 WHEN o.problem = 'lines' THEN 'has more than 200 lines'
                 WHEN s.row_no = CASE WHEN o.problem LIKE 'sku:%' THEN split_part(o.problem, ':', 2)::int END
                   THEN 'is needed for an SKU the catalogue does not know'
                 ELSE 'is refused with its order: its line on row ' || split_part(o.problem, ':', 2) || ' is refused' END
       FROM order_import_orders o
       JOIN order_import_staged s ON s.import_id = o.import_id AND s.channel = o.channel
                                 AND s.external_order_id = o.external_order_id
      WHERE o.import_id = $1 AND o.problem IS NOT NULL AND s.ok
     ON CONFLICT DO NOTHING`,
    [
      importId,
      JSON.stringify(
        Object.fromEntries(
          ['currency', 'placedAt', 'status', 'location', 'contactId', 'contactExternalId'].map((f) => [f, col(f)]),
        ),
      ),
      col('contactExternalId'),
      col('productName'),
      col('externalOrderId'),
    ],
  );
  const refused: { n: number }[] = await m.query(
    `SELECT (SELECT count(*) FROM order_import_staged WHERE import_id = $1 AND channel IS NULL)::int
          + (SELECT COALESCE(sum(lines), 0) FROM order_import_orders WHERE import_id = $1 AND problem IS NOT NULL)::int AS n`,
    [importId],
  );
  return { units: units[0].n, read: refused[0].n, failed: refused[0].n, errors: [] };
}

/** The CloudEvent of order.placed for an order as stored (alias o), as OrdersService.place publishes it. */
const ORDER_PLACED_EVENT = `jsonb_build_object('specversion', '1.0', 'id', o.ev_id, 'source', 'crm/sales',
    'type', '${SALES_ORDERS_EVENTS.orderPlaced}', 'subject', o.id::text, 'time', ${ISO('clock_timestamp()')},
    'datacontenttype', 'application/json', 'version', o.version,
    'data', jsonb_build_object('id', o.id, 'version', o.version, 'number', o.number, 'status', o.status,
      'channel', o.channel, 'location', o.location, 'externalOrderId', o.external_order_id, 'contactId', o.contact_id,
      'accountId', o.account_id, 'dealId', o.deal_id, 'quoteId', o.quote_id, 'currency', o.currency,
      'currencyDigits', o.currency_digits, 'grossMinor', o.gross_minor, 'discountMinor', o.discount_minor,
      'netMinor', o.net_minor, 'taxMinor', o.tax_minor, 'totalMinor', o.total_minor, 'refundedMinor', o.refunded_minor,
      'lines', (SELECT jsonb_agg(jsonb_build_object('id', l.id, 'lineNo', l.line_no, 'productId', l.product_id,
                  'sku', l.sku, 'name', l.name, 'model', l.model, 'serialNumbers', to_jsonb(l.serial_numbers),
                  'quantity', l.quantity, 'unitPriceMinor', l.unit_price_minor,
                  'discountPercent', l.discount_thousandths::numeric / 1000, 'taxRatePercent', l.tax_thousandths::numeric / 1000,
                  'grossMinor', l.gross_minor, 'discountMinor', l.discount_minor, 'netMinor', l.net_minor,
                  'taxMinor', l.tax_minor, 'totalMinor', l.total_minor, 'refundedQuantity', l.refunded_quantity,
                  'refundedMinor', l.refunded_minor) ORDER BY l.line_no)
                 FROM order_lines l WHERE l.order_id = o.id),
      'placedAt', ${ISO('o.placed_at')}, 'paidAt', ${ISO('o.paid_at')}, 'fulfilledAt', ${ISO('o.fulfilled_at')},
      'cancelledAt', NULL, 'refundedAt', NULL, 'createdAt', ${ISO('o.created_at')}, 'updatedAt', ${ISO('o.updated_at')}))`;

/**
 * One batch of orders (by their number from groupOrders), set-based inside the caller's transaction.
 * An order already in sales with the same channel and external id is skipped (so a re-import applies
 * nothing twice), or refused when its total or currency differ, as POST /orders refuses it.
 */
export async function writeOrders(m: EntityManager, b: ImportBatch<OrdersMapping>): Promise<ImportBatchResult> {
  await m.query(`SET LOCAL jit = off`);
  await m.query(`SET LOCAL work_mem = '64MB'`);
  await m.query(
    `CREATE TEMP TABLE order_import_batch ON COMMIT DROP AS
       SELECT o.*, import_uuidv7() AS order_id, x.id AS existing_id, x.number AS existing_number,
              (x.id IS NOT NULL AND (x.total_minor <> o.total_minor OR x.currency <> o.currency)) AS conflict,
              false AS inserted
         FROM order_import_orders o
         LEFT JOIN orders x ON x.channel = o.channel AND x.external_order_id = o.external_order_id
        WHERE o.import_id = $1 AND o.seq >= $2 AND o.seq < $3`,
    [b.importId, b.from, b.to],
  );
  const found: { orders: number; lines: number; fresh: number; conflicts: number; same: number }[] = await m.query(
    `SELECT count(*)::int AS orders, COALESCE(sum(lines), 0)::int AS lines,
            COALESCE(sum(lines) FILTER (WHERE existing_id IS NULL), 0)::int AS fresh,
            COALESCE(sum(lines) FILTER (WHERE conflict), 0)::int AS conflicts,
            COALESCE(sum(lines) FILTER (WHERE existing_id IS NOT NULL AND NOT conflict), 0)::int AS same
       FROM order_import_batch`,
  );
  const f = found[0];
  const conflicts: { row_no: number; external_order_id: string; channel: string; number: string }[] = f.conflicts
    ? await m.query(
        `SELECT s.row_no, b.external_order_id, b.channel, b.existing_number AS number
           FROM order_import_batch b
           JOIN order_import_staged s ON s.import_id = $1 AND s.channel = b.channel
                                     AND s.external_order_id = b.external_order_id
          WHERE b.conflict ORDER BY s.row_no`,
        [b.importId],
      )
    : [];
  const column = header(b.mapping, 'externalOrderId');
  const errors: (ImportProblem & { row: number })[] = conflicts.map((c) => ({
    row: c.row_no,
    column,
    value: c.external_order_id,
    message: `is the ${c.channel} order ${c.number}, placed before`,
  }));
  const result: ImportBatchResult = {
    read: f.lines,
    valid: f.lines - f.conflicts,
    written: 0,
    updated: 0,
    skipped: f.same,
    failed: f.conflicts,
    errors,
    missing: b.to - b.from - f.orders,
  };
  if (b.dryRun || !f.fresh) {
    result.written = b.dryRun ? f.fresh : 0;
    return result;
  }
  // Concurrent POST /orders with the same external id committed first: ON CONFLICT leaves it, the import skips it.
  const inserted: { n: number }[] = await m.query(
    `WITH ins AS (
       INSERT INTO orders (id, number, status, channel, location, external_order_id, contact_id, account_id, currency,
              currency_digits, gross_minor, discount_minor, net_minor, tax_minor, total_minor, placed_at, paid_at,
              fulfilled_at, request_hash, created_by)
       SELECT b.order_id, 'SO-' || lpad(nextval('order_number_seq')::text, 6, '0'), b.status, b.channel, b.location,
              b.external_order_id, b.contact_id, b.account_id, b.currency, b.currency_digits, b.gross_minor,
              b.discount_minor, b.net_minor, b.tax_minor, b.total_minor, b.placed_at,
              CASE WHEN b.status IN ('paid', 'fulfilled') THEN b.placed_at END,
              CASE WHEN b.status = 'fulfilled' THEN b.placed_at END,
              'import:' || $1::text, $2
         FROM (SELECT * FROM order_import_batch WHERE existing_id IS NULL ORDER BY seq) b
       ON CONFLICT DO NOTHING RETURNING id),
     marked AS (UPDATE order_import_batch b SET inserted = true FROM ins WHERE b.order_id = ins.id RETURNING b.lines)
     SELECT COALESCE(sum(lines), 0)::int AS n FROM marked`,
    [b.importId, b.requestedBy],
  );
  result.written = inserted[0].n;
  result.skipped += f.fresh - inserted[0].n;
  if (!inserted[0].n) return result;
  await m.query(
    `INSERT INTO order_lines (id, order_id, line_no, product_id, sku, name, model, serial_numbers, quantity,
            unit_price_minor, discount_thousandths, tax_thousandths, gross_minor, discount_minor, net_minor, tax_minor,
            total_minor)
     SELECT import_uuidv7(), b.order_id, row_number() OVER (PARTITION BY b.order_id ORDER BY s.row_no), p.id,
            COALESCE(p.sku, s.sku), COALESCE(s.name, p.name, ''), COALESCE(s.model, p.model), '{}', s.quantity,
            s.unit_price_minor, s.discount_thousandths, s.tax_thousandths, s.gross_minor, s.discount_minor,
            s.net_minor, s.tax_minor, s.total_minor
       FROM order_import_batch b
       JOIN order_import_staged s ON s.import_id = $1 AND s.channel = b.channel AND s.external_order_id = b.external_order_id
       LEFT JOIN products p ON lower(p.sku) = lower(s.sku)
      WHERE b.inserted`,
    [b.importId],
  );
  // In the orders' number order: by customer, then placed at (the relay publishes in outbox order).
  await m.query(
    `INSERT INTO outbox (id, type, subject, payload, headers)
     SELECT o.ev_id, '${SALES_ORDERS_EVENTS.orderPlaced}', o.id::text, ${ORDER_PLACED_EVENT}, $1::jsonb
       FROM (SELECT import_uuidv7() AS ev_id, b.seq, x.*
               FROM order_import_batch b JOIN orders x ON x.id = b.order_id WHERE b.inserted) o
      ORDER BY o.seq`,
    [b.headers],
  );
  await m.query(`DROP TABLE order_import_batch`);
  return result;
}
