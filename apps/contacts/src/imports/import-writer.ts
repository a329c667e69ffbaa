import type { EntityManager } from 'typeorm';
import { CONTACTS_EVENTS } from '@crm/contracts';
import { returnedRows } from '@crm/persistence';
import { refreshSearchText } from '../people/search-text';

export interface BatchInput {
  importId: string;
  /** Rows from (inclusive) to (exclusive), by row number. */
  from: number;
  to: number;
  externalSource: string;
  consentSource: string;
  onMatch: 'skip' | 'update';
  dryRun: boolean;
  requestedBy: string;
  /** Trace headers of the events (JSON). */
  headers: string;
}

export interface BatchResult {
  read: number;
  valid: number;
  written: number;
  updated: number;
  skipped: number;
  failed: number;
  /** Rows refused by the email rule: the message the API gives. */
  clashes: { row: number; email: string }[];
}

const SOURCE = 'crm/contacts';

/** The CloudEvent around `data` (SQL), as EventPublisher builds it. */
function envelope(type: string, subject: string, version: string, data: string, time: string, id = 'b.ev_id'): string {
  return `jsonb_build_object('specversion', '1.0', 'id', ${id}, 'source', '${SOURCE}', 'type', '${type}',
    'subject', ${subject}, 'time', ${time}, 'datacontenttype', 'application/json', 'version', ${version}, 'data', ${data})`;
}

/** ContactPayload of a staged row being inserted (alias b), as toPayload builds it. */
function createdPayload(ext: string, now: string): string {
  return `jsonb_build_object('id', b.person_id, 'version', 1, 'status', 'active',
    'displayName', b.first_name || ' ' || b.last_name, 'firstName', b.first_name, 'lastName', b.last_name,
    'primaryEmail', b.email, 'primaryPhone', b.phone, 'lifecycleStage', COALESCE(b.lifecycle_stage, 'lead'),
    'country', b.country, 'region', b.region, 'city', b.city, 'locale', b.locale,
    'birthDate', to_char(b.birth_date, 'YYYY-MM-DD'), 'ownerId', b.owner_id, 'accountId', NULL,
    'tags', to_jsonb(COALESCE(b.tags, '{}')),
    'source', jsonb_build_object('channel', b.source->>'channel', 'campaign', b.source->>'campaign',
      'utmSource', b.source->>'utmSource', 'utmMedium', b.source->>'utmMedium', 'utmCampaign', b.source->>'utmCampaign',
      'referrer', NULL, 'firstTouchAt', CASE WHEN b.source IS NULL THEN NULL ELSE ${now} END),
    'customFields', COALESCE(b.custom_fields, '{}'),
    'externalIds', CASE WHEN b.external_id IS NULL THEN '[]'::jsonb
                        ELSE jsonb_build_array(jsonb_build_object('source', ${ext}, 'id', b.external_id)) END,
    'createdAt', ${now}, 'updatedAt', ${now})`;
}

/** ContactPayload of a person as stored (alias p), as loadPersonView + toPayload build it. */
const STORED_PAYLOAD = `jsonb_build_object('id', p.id, 'version', p.version, 'status', p.status,
    'displayName', p.display_name, 'firstName', p.first_name, 'lastName', p.last_name,
    'primaryEmail', (SELECT e.address FROM person_emails e WHERE e.person_id = p.id AND e.active
                      ORDER BY e.is_primary DESC, e.created_at LIMIT 1),
    'primaryPhone', (SELECT ph.number FROM person_phones ph WHERE ph.person_id = p.id
                      ORDER BY ph.is_primary DESC, ph.created_at LIMIT 1),
    'lifecycleStage', p.lifecycle_stage, 'country', p.country, 'region', p.region, 'city', p.city, 'locale', p.locale,
    'birthDate', to_char(p.birth_date, 'YYYY-MM-DD'), 'ownerId', p.owner_id,
    'accountId', (SELECT pa.account_id FROM person_accounts pa JOIN accounts a ON a.id = pa.account_id
                   WHERE pa.person_id = p.id ORDER BY pa.is_primary DESC, a.name LIMIT 1),
    'tags', to_jsonb(p.tags),
    'source', jsonb_build_object('channel', p.source->>'channel', 'campaign', p.source->>'campaign',
      'utmSource', p.source->>'utmSource', 'utmMedium', p.source->>'utmMedium', 'utmCampaign', p.source->>'utmCampaign',
      'referrer', p.source->>'referrer', 'firstTouchAt', p.source->>'firstTouchAt'),
    'customFields', p.custom_fields,
    'externalIds', COALESCE((SELECT jsonb_agg(jsonb_build_object('source', x.source, 'id', x.external_id)
                                  ORDER BY x.source, x.external_id)
                               FROM person_external_ids x WHERE x.person_id = p.id AND x.active), '[]'),
    'createdAt', to_char(p.created_at AT TIME ZONE 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS.MS"Z"'),
    'updatedAt', to_char(p.updated_at AT TIME ZONE 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS.MS"Z"'))`;

/**
 * Writes one batch of staged rows set-based, inside the caller's transaction:
 * a handful of INSERT ... SELECT / UPDATE ... FROM statements whatever the
 * batch size. Matching (external id, then primary email) and onMatch happen
 * in SQL. Rows of the batch that share an external id, an email or a matched
 * contact with an earlier row wait for a later round of the same statements,
 * so they see what the earlier row wrote (a repeated row matches the contact
 * its first occurrence created). A dry run does all of it in a savepoint and
 * rolls it back, so its counts are the real ones and nothing stays.
 */
export async function writeBatch(m: EntityManager, b: BatchInput): Promise<BatchResult> {
  const trace = process.env['IMPORT_TRACE'] === '1' || process.env['IMPORT_TRACE'] === 'explain';
  // IMPORT_TRACE=explain: the plain INSERT ... SELECT statements (their answer is not used) run under
  // EXPLAIN (ANALYZE, BUFFERS, WAL), so the plan, the index/trigger (foreign key) times and the WAL show.
  const explain = process.env['IMPORT_TRACE'] === 'explain';
  const q = async <T = unknown>(sql: string, params: unknown[] = []): Promise<T> => {
    if (!trace) return m.query(sql, params) as Promise<T>;
    if (explain && /^\s*INSERT\b/.test(sql) && !/ON CONFLICT/.test(sql)) {
      const plan: { 'QUERY PLAN': string }[] = await m.query(`EXPLAIN (ANALYZE, BUFFERS, WAL) ${sql}`, params);
      process.stderr.write(
        `import-explain ${sql.replace(/\s+/g, ' ').slice(0, 70)}\n${plan.map((r) => '  ' + r['QUERY PLAN']).join('\n')}\n`,
      );
      return [] as T;
    }
    if (explain && /^\s*WITH ins AS \(\s*INSERT INTO people\b/.test(sql)) {
      const plan: { 'QUERY PLAN': string }[] = await m.query(`EXPLAIN (ANALYZE, BUFFERS, WAL) ${sql}`, params);
      process.stderr.write(`import-explain people\n${plan.map((r) => '  ' + r['QUERY PLAN']).join('\n')}\n`);
      const n = /Insert on people .*actual time=\S+ rows=(\d+)/.exec(plan.map((r) => r['QUERY PLAN']).join('\n'));
      return [{ n: Number(n?.[1] ?? 0) }] as T;
    }
    const t0 = performance.now();
    const out = (await m.query(sql, params)) as T;
    // Statement shape and time only: no values.
    process.stderr.write(
      `import-trace ${(performance.now() - t0).toFixed(0).padStart(6)} ms  ${sql.replace(/\s+/g, ' ').slice(0, 70)}\n`,
    );
    return out;
  };
  const staged: { read: number; ok: number }[] = await q(
    `SELECT count(*)::int AS read, count(*) FILTER (WHERE ok)::int AS ok FROM import_staged
      WHERE import_id = $1 AND row_no >= $2 AND row_no < $3`,
    [b.importId, b.from, b.to],
  );
  const result: BatchResult = {
    read: staged[0].read,
    valid: staged[0].ok,
    written: 0,
    updated: 0,
    skipped: 0,
    failed: staged[0].read - staged[0].ok,
    clashes: [],
  };
  if (!staged[0].ok) return result;
  // The planner's estimates for these statements (a subquery per row, a temp table) call for JIT
  // compilation that costs seconds, longer than running them; and work_mem for the batch's sorts.
  await q(`SET LOCAL jit = off`);
  await q(`SET LOCAL work_mem = '64MB'`);
  // The people's GIN indexes (words, trigrams, tags, custom fields) take new entries into their pending list and
  // merge it when it passes this limit: 64 MB (IMPORT_GIN_PENDING_KB) merges a batch's entries in fewer, larger
  // passes (people INSERT 6.4 -> 4.4 s per 100,000 rows); what is left merges at the next autovacuum.
  const ginPendingKb = Number(process.env['IMPORT_GIN_PENDING_KB'] ?? 65_536);
  if (Number.isInteger(ginPendingKb) && ginPendingKb >= 64)
    await q(`SET LOCAL gin_pending_list_limit = ${ginPendingKb}`);
  await q(`SAVEPOINT import_batch`);
  // The first matching round is decided as the batch table is made: each row's match (external id, then email)
  // and whether an earlier row of the batch shares its external id, email or match (that row waits for round 2).
  // Deciding it in the UPDATE below rewrote every wide row of the table and both its indexes once more
  // (round 1 holds nearly all rows of a file: ~40% of the matching time).
  await q(
    `CREATE TEMP TABLE import_batch ON COMMIT DROP AS
       WITH pending AS MATERIALIZED (
         SELECT s.*,
                (SELECT x.person_id FROM person_external_ids x
                  WHERE x.active AND x.source = $4 AND x.external_id = s.external_id) AS m_ext,
                (SELECT e.person_id FROM person_emails e WHERE e.active AND e.address = s.email) AS m_email
           FROM import_staged s WHERE s.import_id = $1 AND s.row_no >= $2 AND s.row_no < $3 AND s.ok
       ), ranked AS (
         SELECT p.*, COALESCE(p.m_ext, p.m_email) AS m_match,
                (p.external_id IS NULL OR row_number() OVER (PARTITION BY p.external_id ORDER BY p.row_no) = 1)
                AND (p.email IS NULL OR row_number() OVER (PARTITION BY p.email ORDER BY p.row_no) = 1)
                AND (COALESCE(p.m_ext, p.m_email) IS NULL
                     OR row_number() OVER (PARTITION BY COALESCE(p.m_ext, p.m_email) ORDER BY p.row_no) = 1) AS m_first
           FROM pending p
       )
       SELECT r.*,
              CASE WHEN NOT r.m_first THEN NULL WHEN r.m_match IS NULL THEN import_uuidv7() ELSE r.m_match END
                AS person_id,
              CASE WHEN NOT r.m_first THEN NULL
                   WHEN r.m_ext IS NOT NULL AND r.m_email IS NOT NULL AND r.m_ext <> r.m_email THEN 'clash'
                   WHEN r.m_match IS NULL THEN 'insert'
                   WHEN $5 = 'skip' THEN 'skip'
                   ELSE 'update' END AS outcome,
              CASE WHEN r.m_first THEN 1 ELSE 0 END AS round
         FROM ranked r`,
    [b.importId, b.from, b.to, b.externalSource, b.onMatch],
  );
  await q(`CREATE UNIQUE INDEX ON import_batch (row_no)`);
  await q(`CREATE INDEX ON import_batch (round, outcome)`);
  // Row count and the matching keys' statistics for the planner; a 3,000-row sample of those columns only
  // (the wide ones, search text and consents, cost the most to sample and steer no plan): 360 -> ~40 ms a batch.
  await q(`SET LOCAL default_statistics_target = 10`);
  await q(`ANALYZE import_batch (row_no, email, external_id, phone, round, outcome)`);
  const now = new Date();
  const nowIso = now.toISOString();
  await insertNew(q, b, 1, nowIso);
  await updateMatched(m, q, b, 1, nowIso);
  for (let round = 2; ; round++) {
    const assigned: { n: number }[] = await q(
      `WITH pending AS MATERIALIZED (
         SELECT b.row_no, b.external_id, b.email,
                (SELECT x.person_id FROM person_external_ids x
                  WHERE x.active AND x.source = $1 AND x.external_id = b.external_id) AS ext_match,
                (SELECT e.person_id FROM person_emails e WHERE e.active AND e.address = b.email) AS email_owner
           FROM import_batch b WHERE b.outcome IS NULL
       ), ranked AS (
         SELECT p.*, COALESCE(p.ext_match, p.email_owner) AS match,
                CASE WHEN p.external_id IS NULL THEN 1
                     ELSE row_number() OVER (PARTITION BY p.external_id ORDER BY p.row_no) END AS r_ext,
                CASE WHEN p.email IS NULL THEN 1
                     ELSE row_number() OVER (PARTITION BY p.email ORDER BY p.row_no) END AS r_email,
                CASE WHEN COALESCE(p.ext_match, p.email_owner) IS NULL THEN 1
                     ELSE row_number() OVER (PARTITION BY COALESCE(p.ext_match, p.email_owner) ORDER BY p.row_no) END AS r_match
           FROM pending p
       ), done AS (
         UPDATE import_batch b SET round = $2,
                outcome = CASE WHEN r.ext_match IS NOT NULL AND r.email_owner IS NOT NULL AND r.ext_match <> r.email_owner
                                 THEN 'clash'
                               WHEN r.match IS NULL THEN 'insert'
                               WHEN $3 = 'skip' THEN 'skip'
                               ELSE 'update' END,
                person_id = CASE WHEN r.match IS NULL THEN import_uuidv7() ELSE r.match END
           FROM ranked r
          WHERE b.row_no = r.row_no AND r.r_ext = 1 AND r.r_email = 1 AND r.r_match = 1
          RETURNING 1)
       SELECT count(*)::int AS n FROM done`,
      [b.externalSource, round, b.onMatch],
    );
    if (!assigned[0].n) break;
    await insertNew(q, b, round, nowIso);
    await updateMatched(m, q, b, round, nowIso);
  }
  const outcomes: { outcome: string; n: number }[] = await q(
    `SELECT outcome, count(*)::int AS n FROM import_batch GROUP BY outcome`,
  );
  for (const o of outcomes) {
    if (o.outcome === 'insert') result.written = o.n;
    else if (o.outcome === 'update') result.updated = o.n;
    else if (o.outcome === 'skip') result.skipped = o.n;
    else if (o.outcome === 'clash') {
      result.failed += o.n;
      result.valid -= o.n;
    }
  }
  result.clashes = (
    await q<{ row_no: number; email: string }[]>(
      `SELECT row_no, email FROM import_batch WHERE outcome = 'clash' ORDER BY row_no`,
    )
  ).map((r) => ({ row: r.row_no, email: r.email }));
  if (b.dryRun) await q(`ROLLBACK TO SAVEPOINT import_batch`);
  else await q(`DROP TABLE import_batch`);
  await q(`RELEASE SAVEPOINT import_batch`);
  return result;
}

type Query = <T = unknown>(sql: string, params?: unknown[]) => Promise<T>;

/** New contacts of the round: people, emails, phones, external ids, consents, and their events. */
async function insertNew(q: Query, b: BatchInput, round: number, now: string): Promise<void> {
  const rows = `FROM import_batch b WHERE b.round = ${round} AND b.outcome = 'insert'`;
  const inserted: { n: number }[] = await q(
    `WITH ins AS (
       INSERT INTO people (id, first_name, last_name, display_name, birth_date, country, region, city, locale, occupation,
                           lifecycle_stage, owner_id, tags, custom_fields, source, status, search_text, version,
                           created_at, updated_at)
       SELECT b.person_id, b.first_name, b.last_name, b.first_name || ' ' || b.last_name, b.birth_date, b.country,
              b.region, b.city, b.locale, b.occupation, COALESCE(b.lifecycle_stage, 'lead'), b.owner_id,
              COALESCE(b.tags, '{}'), COALESCE(b.custom_fields, '{}'),
              CASE WHEN b.source IS NULL THEN '{}'::jsonb ELSE b.source || jsonb_build_object('firstTouchAt', $1::text) END,
              'active', b.search_text, 1, $1::timestamptz, $1::timestamptz
         ${rows} ORDER BY b.row_no
       RETURNING 1)
     SELECT count(*)::int AS n FROM ins`,
    [now],
  );
  if (!inserted[0].n) return;
  await q(
    `INSERT INTO person_emails (id, person_id, address, is_primary, created_at)
     SELECT import_uuidv7(), b.person_id, b.email, true, $1::timestamptz ${rows} AND b.email IS NOT NULL ORDER BY b.row_no`,
    [now],
  );
  await q(
    `INSERT INTO person_phones (id, person_id, number, type, is_primary, created_at)
     SELECT import_uuidv7(), b.person_id, b.phone, 'mobile', true, $1::timestamptz ${rows} AND b.phone IS NOT NULL
      ORDER BY b.row_no`,
    [now],
  );
  await q(
    `INSERT INTO person_external_ids (person_id, source, external_id, created_at)
     SELECT b.person_id, $1, b.external_id, $2::timestamptz ${rows} AND b.external_id IS NOT NULL`,
    [b.externalSource, now],
  );
  // The event id in a subquery's target list: evaluated once per row.
  await q(
    `INSERT INTO outbox (id, type, subject, payload, headers)
     SELECT b.ev_id, '${CONTACTS_EVENTS.contactCreated}', b.person_id::text,
            ${envelope(CONTACTS_EVENTS.contactCreated, 'b.person_id::text', '1', createdPayload('$1::text', '$2::text'), '$2::text')},
            $3::jsonb
       FROM (SELECT import_uuidv7() AS ev_id, b.row_no, b.person_id, b.first_name, b.last_name, b.email, b.phone,
                    b.lifecycle_stage, b.country, b.region, b.city, b.locale, b.birth_date, b.owner_id, b.tags,
                    b.source, b.custom_fields, b.external_id ${rows}) b
      ORDER BY b.row_no`,
    [b.externalSource, now, b.headers],
  );
  await consents(q, b, round, 'insert', now);
}

/** onMatch=update: the mapped fields replace the contact's, as a PATCH would; contact.updated goes out. */
async function updateMatched(m: EntityManager, q: Query, b: BatchInput, round: number, now: string): Promise<void> {
  const rows = `import_batch b WHERE b.round = ${round} AND b.outcome = 'update'`;
  // An UPDATE ... RETURNING answers [rows, count] through TypeORM.
  const updated = returnedRows<{ id: string }>(
    await q(
      `UPDATE people p SET first_name = b.first_name, last_name = b.last_name,
            display_name = b.first_name || ' ' || b.last_name,
            birth_date = COALESCE(b.birth_date, p.birth_date), country = COALESCE(b.country, p.country),
            region = COALESCE(b.region, p.region), city = COALESCE(b.city, p.city), locale = COALESCE(b.locale, p.locale),
            occupation = COALESCE(b.occupation, p.occupation),
            lifecycle_stage = COALESCE(b.lifecycle_stage, p.lifecycle_stage), owner_id = COALESCE(b.owner_id, p.owner_id),
            tags = COALESCE(b.tags, p.tags), custom_fields = p.custom_fields || COALESCE(b.custom_fields, '{}'),
            source = p.source || COALESCE(b.source, '{}'), version = p.version + 1, updated_at = $1::timestamptz
       FROM ${rows} AND p.id = b.person_id AND p.status = 'active'
     RETURNING p.id`,
      [now],
    ),
  );
  if (!updated.length) return;
  await q(
    `INSERT INTO person_external_ids (person_id, source, external_id, created_at)
     SELECT b.person_id, $1, b.external_id, $2::timestamptz FROM ${rows} AND b.external_id IS NOT NULL
     ON CONFLICT DO NOTHING`,
    [b.externalSource, now],
  );
  await refreshSearchText(
    m,
    updated.map((u) => u.id),
  );
  await q(
    `INSERT INTO outbox (id, type, subject, payload, headers)
     SELECT b.ev_id, '${CONTACTS_EVENTS.contactUpdated}', p.id::text,
            ${envelope(CONTACTS_EVENTS.contactUpdated, 'p.id::text', 'p.version', STORED_PAYLOAD, '$1::text')}, $2::jsonb
       FROM (SELECT import_uuidv7() AS ev_id, b.row_no, b.person_id FROM ${rows}) b JOIN people p ON p.id = b.person_id
      ORDER BY b.row_no`,
    [now, b.headers],
  );
  await consents(q, b, round, 'update', now);
}

/** The consent columns' decisions: history, the state in force, consent.changed (version: decisions recorded). */
async function consents(q: Query, b: BatchInput, round: number, outcome: string, now: string): Promise<void> {
  const decisions = `SELECT b.row_no, b.person_id, c.channel, c.purpose, c.granted, c.ord,
                            jsonb_array_length(b.consents) AS k
                       FROM import_batch b,
                            ROWS FROM (jsonb_to_recordset(b.consents) AS (channel text, purpose text, granted boolean))
                              WITH ORDINALITY AS c (channel, purpose, granted, ord)
                      WHERE b.round = ${round} AND b.outcome = '${outcome}' AND b.consents IS NOT NULL`;
  const recorded: { n: number }[] = await q(
    `WITH ins AS (
       INSERT INTO consent_history (id, person_id, channel, purpose, granted, source, decided_at, recorded_by, recorded_at)
       SELECT import_uuidv7(), d.person_id, d.channel, d.purpose, d.granted, $1, $2::timestamptz, $3, $2::timestamptz
         FROM (${decisions}) d ORDER BY d.row_no, d.ord
       RETURNING 1)
     SELECT count(*)::int AS n FROM ins`,
    [b.consentSource, now, b.requestedBy],
  );
  if (!recorded[0].n) return;
  await q(
    `INSERT INTO consents (person_id, channel, purpose, granted, source, decided_at)
     SELECT d.person_id, d.channel, d.purpose, d.granted, $1, $2::timestamptz FROM (${decisions}) d
     ON CONFLICT (person_id, channel, purpose) DO UPDATE
       SET granted = EXCLUDED.granted, source = EXCLUDED.source, decided_at = EXCLUDED.decided_at
     WHERE consents.decided_at <= EXCLUDED.decided_at`,
    [b.consentSource, now],
  );
  const version =
    outcome === 'insert'
      ? 'd.ord'
      : '(SELECT count(*) FROM consent_history h WHERE h.person_id = d.person_id) - d.k + d.ord';
  await q(
    `INSERT INTO outbox (id, type, subject, payload, headers)
     SELECT d.ev_id, '${CONTACTS_EVENTS.consentChanged}', d.person_id::text,
            ${envelope(
              CONTACTS_EVENTS.consentChanged,
              'd.person_id::text',
              version,
              `jsonb_build_object('contactId', d.person_id, 'channel', d.channel, 'purpose', d.purpose,
                 'granted', d.granted, 'source', $1::text, 'decidedAt', $2::text)`,
              '$2::text',
              'd.ev_id',
            )}, $3::jsonb
       FROM (SELECT import_uuidv7() AS ev_id, d.* FROM (${decisions}) d) d
      ORDER BY d.row_no, d.ord`,
    [b.consentSource, now, b.headers],
  );
}
