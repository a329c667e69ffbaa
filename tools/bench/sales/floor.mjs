// The floor of the order-placement benchmark: a bare Fastify + pg server doing the same work as
// POST /orders for the bench's bodies, in one transaction, on a database migrated by sales itself:
// the (channel, external id) replay lookup, the products of the lines, the order row (numbered
// from the same sequence), its lines, and the outbox event. None of the suite's layers (no Nest,
// validation, auth, TypeORM, BigInt line arithmetic or tracing).
//   DATABASE_URL=... PORT=... node tools/bench/sales/floor.mjs
import { randomUUID } from 'node:crypto';
import Fastify from 'fastify';
import pg from 'pg';

const pool = new pg.Pool({ connectionString: process.env.DATABASE_URL, max: Number(process.env.POOL_SIZE ?? 10) });
const app = Fastify({ logger: false, bodyLimit: 1 << 20 });

app.post('/orders', async (req, reply) => {
  const o = req.body;
  const id = randomUUID();
  const now = new Date();
  const lines = o.lines.map((l, i) => {
    const gross = l.quantity * l.unitPriceMinor;
    const discount = Math.round((gross * (l.discountPercent ?? 0)) / 100);
    const net = gross - discount;
    const tax = Math.round((net * (l.taxRatePercent ?? 0)) / 100);
    return { ...l, lineNo: i + 1, id: randomUUID(), gross, discount, net, tax, total: net + tax };
  });
  const sum = (k) => lines.reduce((a, l) => a + l[k], 0);
  const client = await pool.connect();
  try {
    await client.query('BEGIN');
    const replay = await client.query(`SELECT id FROM orders WHERE channel = $1 AND external_order_id = $2`, [
      o.channel,
      o.externalOrderId,
    ]);
    if (replay.rows.length) {
      await client.query('ROLLBACK');
      return reply.code(200).send({ id: replay.rows[0].id });
    }
    const { rows: products } = await client.query(
      `SELECT id, sku, name, model FROM products WHERE id = ANY($1::uuid[])`,
      [lines.map((l) => l.productId)],
    );
    const byId = new Map(products.map((p) => [p.id, p]));
    const { rows } = await client.query(
      `INSERT INTO orders (id, number, status, channel, external_order_id, contact_id, currency, currency_digits,
              gross_minor, discount_minor, net_minor, tax_minor, total_minor, placed_at, request_hash, created_by)
       VALUES ($1, 'SO-' || lpad(nextval('order_number_seq')::text, 6, '0'), 'placed', $2, $3, $4, $5, 2, $6, $7, $8, $9,
              $10, $11, 'floor', 'bench')
       RETURNING *`,
      [
        id,
        o.channel,
        o.externalOrderId,
        o.contactId,
        o.currency,
        sum('gross'),
        sum('discount'),
        sum('net'),
        sum('tax'),
        sum('total'),
        now,
      ],
    );
    const values = [];
    const tuples = lines.map((l, i) => {
      const p = byId.get(l.productId);
      values.push(
        l.id,
        id,
        l.lineNo,
        l.productId,
        p.sku,
        p.name,
        p.model,
        l.quantity,
        l.unitPriceMinor,
        Math.round((l.discountPercent ?? 0) * 1000),
        Math.round((l.taxRatePercent ?? 0) * 1000),
        l.gross,
        l.discount,
        l.net,
        l.tax,
        l.total,
      );
      return `(${Array.from({ length: 16 }, (_, k) => `$${i * 16 + k + 1}`).join(', ')})`;
    });
    const { rows: stored } = await client.query(
      `INSERT INTO order_lines (id, order_id, line_no, product_id, sku, name, model, quantity, unit_price_minor,
              discount_thousandths, tax_thousandths, gross_minor, discount_minor, net_minor, tax_minor, total_minor)
       VALUES ${tuples.join(', ')} RETURNING *`,
      values,
    );
    const order = { ...rows[0], lines: stored };
    const event = {
      specversion: '1.0',
      id: randomUUID(),
      source: 'crm/sales',
      type: 'crm.sales.order.placed',
      subject: id,
      time: now.toISOString(),
      datacontenttype: 'application/json',
      version: 1,
      data: order,
    };
    await client.query('INSERT INTO outbox (id, type, subject, payload, headers) VALUES ($1, $2, $3, $4, $5)', [
      event.id,
      event.type,
      id,
      JSON.stringify(event),
      '{}',
    ]);
    await client.query('COMMIT');
    return reply.code(201).header('location', `/orders/${id}`).send(order);
  } catch (e) {
    await client.query('ROLLBACK').catch(() => undefined);
    throw e;
  } finally {
    client.release();
  }
});

app.get('/health/ready', async () => ({ status: 'ok' }));

await app.listen({ host: '127.0.0.1', port: Number(process.env.PORT ?? 0) });
process.on('SIGTERM', () =>
  app
    .close()
    .then(() => pool.end())
    .then(() => process.exit(0)),
);
