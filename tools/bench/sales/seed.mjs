// Bulk order history for the sales benchmarks: `orders` orders of `linesPerOrder` lines each
// (default 250,000 x 4 = 1,000,000 order lines) written by generate_series in a few statements,
// on a database migrated by sales. Orders spread over channels, currencies, contacts and the last
// three years; lines over a small catalogue. Also usable from another bench:
//   import { seedOrders } from '../sales/seed.mjs'; await seedOrders(databaseUrl, { orders: 250_000 });
//   node tools/bench/sales/seed.mjs <database-url> [--orders 250000] [--lines 4] [--contacts 50000]
import { pathToFileURL } from 'node:url';
import pg from 'pg';

/** Seeds products, orders and order lines; returns the counts and how long it took. */
export async function seedOrders(databaseUrl, { orders = 250_000, linesPerOrder = 4, contacts = 50_000 } = {}) {
  const started = Date.now();
  const c = new pg.Client({ connectionString: databaseUrl });
  await c.connect();
  try {
    await c.query(`SET synchronous_commit = off`);
    await c.query(
      `INSERT INTO products (id, sku, name, model, category)
       SELECT ('00000000-0000-7000-8000-' || lpad(to_hex(i), 12, '0'))::uuid, 'SEED-' || i, 'Seed product ' || i,
              'M' || (i % 50), (ARRAY['tv', 'audio', 'cables', 'services'])[1 + i % 4]
         FROM generate_series(1, 200) i
       ON CONFLICT DO NOTHING`,
    );
    // Each order's totals are its lines' sums: line k of order o costs (o % 97 + k) * 1000 minor units, tax 20 %.
    await c.query(
      `INSERT INTO orders (id, number, status, channel, location, external_order_id, contact_id, currency,
              currency_digits, gross_minor, discount_minor, net_minor, tax_minor, total_minor, placed_at,
              paid_at, request_hash, created_by)
       SELECT ('00000000-0000-7000-9000-' || lpad(to_hex(o), 12, '0'))::uuid,
              'SEED-' || lpad(o::text, 9, '0'),
              (ARRAY['placed', 'paid', 'fulfilled', 'fulfilled', 'cancelled'])[1 + o % 5],
              (ARRAY['store', 'web', 'phone', 'partner'])[1 + o % 4],
              CASE WHEN o % 4 = 0 THEN 'STORE-' || (o % 20) END,
              'EXT-' || o,
              ('00000000-0000-7000-a000-' || lpad(to_hex(1 + o % $2), 12, '0'))::uuid,
              (ARRAY['EUR', 'EUR', 'USD', 'GBP'])[1 + o % 4], 2,
              t.gross, 0, t.gross, t.gross / 5, t.gross + t.gross / 5,
              now() - make_interval(mins => (o * 37) % (3 * 365 * 24 * 60)),
              CASE WHEN o % 5 IN (1, 2, 3) THEN now() - make_interval(mins => (o * 37) % (3 * 365 * 24 * 60)) END,
              'seed', 'seed'
         FROM generate_series(1, $1) o,
              LATERAL (SELECT sum(((o % 97) + k) * 1000)::bigint AS gross FROM generate_series(1, $3) k) t`,
      [orders, contacts, linesPerOrder],
    );
    await c.query(`SELECT setval('order_number_seq', (SELECT count(*) FROM orders))`);
    await c.query(
      `INSERT INTO order_lines (id, order_id, line_no, product_id, sku, name, model, quantity, unit_price_minor,
              discount_thousandths, tax_thousandths, gross_minor, discount_minor, net_minor, tax_minor, total_minor)
       SELECT ('00000000-0000-7000-b' || lpad(to_hex(k), 3, '0') || '-' || lpad(to_hex(o), 12, '0'))::uuid,
              ('00000000-0000-7000-9000-' || lpad(to_hex(o), 12, '0'))::uuid, k,
              ('00000000-0000-7000-8000-' || lpad(to_hex(1 + (o + k) % 200), 12, '0'))::uuid,
              'SEED-' || (1 + (o + k) % 200), 'Seed product ' || (1 + (o + k) % 200), 'M' || ((1 + (o + k) % 200) % 50),
              1, ((o % 97) + k) * 1000, 0, 20000,
              ((o % 97) + k) * 1000, 0, ((o % 97) + k) * 1000, ((o % 97) + k) * 200, ((o % 97) + k) * 1200
         FROM generate_series(1, $1) o, generate_series(1, $2) k`,
      [orders, linesPerOrder],
    );
    await c.query(`ANALYZE orders`);
    await c.query(`ANALYZE order_lines`);
    const { rows } = await c.query(
      `SELECT (SELECT count(*)::int FROM orders) AS orders, (SELECT count(*)::int FROM order_lines) AS lines`,
    );
    return { ...rows[0], seconds: (Date.now() - started) / 1000 };
  } finally {
    await c.end();
  }
}

if (import.meta.url === pathToFileURL(process.argv[1] ?? '').href) {
  const [url, ...rest] = process.argv.slice(2);
  if (!url) {
    console.error('usage: node tools/bench/sales/seed.mjs <database-url> [--orders N] [--lines N] [--contacts N]');
    process.exit(2);
  }
  const opt = (name, dflt) => {
    const i = rest.indexOf(`--${name}`);
    return i >= 0 ? Number(rest[i + 1]) : dflt;
  };
  const result = await seedOrders(url, {
    orders: opt('orders', 250_000),
    linesPerOrder: opt('lines', 4),
    contacts: opt('contacts', 50_000),
  });
  console.log(`seeded ${result.orders} orders, ${result.lines} order lines in ${result.seconds.toFixed(1)} s`);
}
