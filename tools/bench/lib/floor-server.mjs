// The floor every write benchmark is measured against: a bare Fastify + pg
// server that writes the same rows as POST /contacts (person, email, phone
// and outbox event) in one transaction, with none of the suite's layers (no
// Nest, no validation, no auth, no TypeORM, no tracing). It runs against a
// database migrated by contacts itself, so indexes and generated columns are
// the same.
//   DATABASE_URL=... PORT=... node tools/bench/lib/floor-server.mjs
import { randomUUID } from 'node:crypto';
import Fastify from 'fastify';
import pg from 'pg';

const pool = new pg.Pool({ connectionString: process.env.DATABASE_URL, max: Number(process.env.POOL_SIZE ?? 10) });
const app = Fastify({ logger: false, bodyLimit: 1 << 20 });

app.post('/contacts', async (req, reply) => {
  const p = req.body;
  const id = randomUUID();
  const now = new Date();
  const email = String(p.emails?.[0]?.address ?? '').toLowerCase();
  const client = await pool.connect();
  try {
    await client.query('BEGIN');
    await client.query(
      `INSERT INTO people (id, first_name, last_name, display_name, country, city, lifecycle_stage, tags, source, search_text, created_at, updated_at)
       VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $11)`,
      [
        id,
        p.firstName,
        p.lastName,
        `${p.firstName} ${p.lastName}`,
        p.country,
        p.city,
        p.lifecycleStage,
        p.tags,
        JSON.stringify(p.source ?? {}),
        `${p.firstName} ${p.lastName} ${email}`.toLowerCase(),
        now,
      ],
    );
    await client.query('INSERT INTO person_emails (id, person_id, address, is_primary) VALUES ($1, $2, $3, true)', [
      randomUUID(),
      id,
      email,
    ]);
    for (const ph of p.phones ?? []) {
      await client.query('INSERT INTO person_phones (id, person_id, number, is_primary) VALUES ($1, $2, $3, true)', [
        randomUUID(),
        id,
        ph.number,
      ]);
    }
    const event = {
      specversion: '1.0',
      id: randomUUID(),
      source: 'crm/contacts',
      type: 'crm.contacts.contact.created',
      subject: id,
      time: now.toISOString(),
      version: 1,
      data: { id, ...p },
    };
    await client.query('INSERT INTO outbox (id, type, subject, payload) VALUES ($1, $2, $3, $4)', [
      event.id,
      event.type,
      id,
      JSON.stringify(event),
    ]);
    await client.query('COMMIT');
  } catch (e) {
    await client.query('ROLLBACK').catch(() => undefined);
    throw e;
  } finally {
    client.release();
  }
  return reply
    .code(201)
    .header('location', `/contacts/${id}`)
    .send({ id, ...p, version: 1 });
});

app.get('/contacts/:id', async (req, reply) => {
  const { rows } = await pool.query(
    `SELECT p.*, coalesce((SELECT json_agg(e) FROM person_emails e WHERE e.person_id = p.id), '[]') AS emails,
            coalesce((SELECT json_agg(ph) FROM person_phones ph WHERE ph.person_id = p.id), '[]') AS phones
       FROM people p WHERE p.id = $1`,
    [req.params.id],
  );
  return rows[0] ? rows[0] : reply.code(404).send({ code: 'NOT_FOUND' });
});

app.get('/health/ready', async () => ({ status: 'ok' }));

await app.listen({ host: '127.0.0.1', port: Number(process.env.PORT ?? 0) });
process.on('SIGTERM', () =>
  app
    .close()
    .then(() => pool.end())
    .then(() => process.exit(0)),
);
