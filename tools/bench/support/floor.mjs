// The floor of the ticket-create benchmark: a bare Fastify + pg server writing the same rows as
// POST /tickets (the policy lookup, the ticket, its first-response and resolution clocks, the
// outbox event) in one transaction, on a database migrated by support itself, with none of the
// suite's layers (no Nest, validation, auth, TypeORM, business-time arithmetic or tracing).
//   DATABASE_URL=... PORT=... node tools/bench/support/floor.mjs
import { randomUUID } from 'node:crypto';
import Fastify from 'fastify';
import pg from 'pg';

const pool = new pg.Pool({ connectionString: process.env.DATABASE_URL, max: Number(process.env.POOL_SIZE ?? 10) });
const app = Fastify({ logger: false, bodyLimit: 1 << 20 });

app.post('/tickets', async (req, reply) => {
  const p = req.body;
  const id = randomUUID();
  const now = new Date();
  const client = await pool.connect();
  try {
    await client.query('BEGIN');
    const { rows: policies } = await client.query(
      `SELECT * FROM sla_policies WHERE priority = $1 AND (channel IS NULL OR channel = $2) AND account_tier IS NULL
        ORDER BY (channel IS NOT NULL)::int DESC, created_at, id LIMIT 1`,
      [p.priority ?? 'normal', p.channel ?? 'web'],
    );
    const policy = policies[0];
    const { rows } = await client.query(
      `INSERT INTO tickets (id, subject, description, status, priority, channel, tags, custom_fields, sla_policy_id,
                            version, created_at, updated_at)
       VALUES ($1, $2, '', 'new', $3, $4, $5, '{}', $6, 1, $7, $7) RETURNING *`,
      [id, p.subject, p.priority ?? 'normal', p.channel ?? 'web', p.tags ?? [], policy?.id ?? null, now],
    );
    if (policy) {
      for (const [target, minutes] of [
        ['first_response', policy.first_response_minutes],
        ['resolution', policy.resolution_minutes],
      ]) {
        await client.query(
          `INSERT INTO sla_clocks (ticket_id, target, calendar_id, target_seconds, warn_at_percent, state, running_since, due_at, warn_due_at)
           VALUES ($1, $2, $3, $4, $5, 'running', $6, $7, $8)`,
          [
            id,
            target,
            policy.calendar_id,
            minutes * 60,
            policy.warn_at_percent,
            now,
            new Date(+now + minutes * 60e3),
            new Date(+now + minutes * 48e3),
          ],
        );
      }
    }
    const event = {
      specversion: '1.0',
      id: randomUUID(),
      source: 'crm/support',
      type: 'crm.support.ticket.created',
      subject: id,
      time: now.toISOString(),
      version: 1,
      data: rows[0],
    };
    await client.query('INSERT INTO outbox (id, type, subject, payload, headers) VALUES ($1, $2, $3, $4, $5)', [
      event.id,
      event.type,
      id,
      JSON.stringify(event),
      '{}',
    ]);
    await client.query('COMMIT');
  } catch (error) {
    await client.query('ROLLBACK');
    throw error;
  } finally {
    client.release();
  }
  reply.code(201);
  return { id };
});

app.get('/health/ready', async () => ({ status: 'ok' }));
await app.listen({ port: Number(process.env.PORT ?? 3999), host: '127.0.0.1' });
