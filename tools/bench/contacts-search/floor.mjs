// The floor of the contacts-search bench: a bare Fastify + pg server that sends, for each query shape,
// the same statements the contacts service sends for it (same SQL text, same indexes, same LIMITs),
// with none of the service's layers (no Nest, no auth, no validation, no TypeORM, no tracing).
//   DATABASE_URL=... PORT=... node tools/bench/contacts-search/floor.mjs
// GET /contacts?shape=<name> runs shape <name> of SHAPES (tools/bench/contacts-search/shapes.mjs).
import Fastify from 'fastify';
import pg from 'pg';
import { floorStatements } from './shapes.mjs';

const pool = new pg.Pool({ connectionString: process.env.DATABASE_URL, max: Number(process.env.POOL_SIZE ?? 20) });
const app = Fastify({ logger: false });
const fixtures = JSON.parse(process.env.BENCH_FIXTURES ?? '{}');

app.get('/contacts', async (req, reply) => {
  const statements = floorStatements(req.query.shape, fixtures);
  if (!statements) return reply.code(404).send({ code: 'NO_SUCH_SHAPE' });
  let rows = [];
  for (const entry of statements) {
    // An entry given as a function takes the ids (or dictionary words) the statement before it found.
    const s = typeof entry === 'function' ? entry(rows.map((r) => r.person_id ?? r.id ?? r.word)) : entry;
    if (s.threshold !== undefined) {
      const c = await pool.connect();
      try {
        await c.query('BEGIN');
        await c.query(`SELECT set_config('pg_trgm.word_similarity_threshold', $1, true)`, [String(s.threshold)]);
        rows = (await c.query(s.sql, s.params)).rows;
        await c.query('COMMIT');
      } finally {
        c.release();
      }
    } else {
      rows = (await pool.query(s.sql, s.params)).rows;
    }
  }
  return { items: rows.slice(0, 50), nextCursor: null };
});

app.get('/health/ready', async () => ({ status: 'ok' }));

await app.listen({ host: '127.0.0.1', port: Number(process.env.PORT ?? 0) });
process.on('SIGTERM', () =>
  app
    .close()
    .then(() => pool.end())
    .then(() => process.exit(0)),
);
