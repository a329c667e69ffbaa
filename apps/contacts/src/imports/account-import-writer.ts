import type { EntityManager } from 'typeorm';
import type { ImportBatch, ImportBatchResult } from '@crm/bulk';
import { CONTACTS_EVENTS } from '@crm/contracts';
import { queryReturning } from '@crm/persistence';
import { refreshSearchText } from '../people/search-text';
import type { AccountsMapping } from './account-import-rows';

const ISO = (col: string) => `to_char(${col} AT TIME ZONE 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS.MS"Z"')`;

/** The CloudEvent of an account as stored (alias a), as AccountsService publishes it. */
function accountEvent(type: string): string {
  return `jsonb_build_object('specversion', '1.0', 'id', a.ev_id, 'source', 'crm/contacts', 'type', '${type}',
    'subject', a.id::text, 'time', ${ISO('clock_timestamp()')}, 'datacontenttype', 'application/json',
    'version', a.version,
    'data', jsonb_build_object('id', a.id, 'version', a.version, 'name', a.name, 'domain', a.domain,
      'industry', a.industry, 'sizeBand', a.size_band, 'country', a.country, 'city', a.city,
      'externalIds', COALESCE((SELECT jsonb_agg(jsonb_build_object('source', x.source, 'id', x.external_id)
                                      ORDER BY x.source, x.external_id)
                                 FROM account_external_ids x WHERE x.account_id = a.id), '[]'),
      'createdAt', ${ISO('a.created_at')}, 'updatedAt', ${ISO('a.updated_at')}))`;
}

/**
 * One batch of staged accounts, set-based inside the caller's transaction.
 * A row matches an account by its external id (of the mapping's source),
 * else by domain; onMatch says skip or update (as a PATCH: the mapped
 * fields replace the account's). Rows of the batch sharing an external id,
 * a domain or a matched account with an earlier row wait for a later round
 * of the same statements, so they see what the earlier one wrote. A dry run
 * does it all in a savepoint and rolls it back: its counts are the real ones.
 */
export async function writeAccounts(m: EntityManager, b: ImportBatch<AccountsMapping>): Promise<ImportBatchResult> {
  const source = b.mapping.externalSource ?? 'import';
  const staged: { read: number; ok: number }[] = await m.query(
    `SELECT count(*)::int AS read, count(*) FILTER (WHERE ok)::int AS ok FROM account_import_staged
      WHERE import_id = $1 AND row_no >= $2 AND row_no < $3`,
    [b.importId, b.from, b.to],
  );
  const result: ImportBatchResult = {
    read: staged[0].read,
    valid: staged[0].ok,
    written: 0,
    updated: 0,
    skipped: 0,
    failed: staged[0].read - staged[0].ok,
    errors: [],
    missing: b.to - b.from - staged[0].read,
  };
  if (!staged[0].ok) return result;
  await m.query(`SET LOCAL jit = off`);
  await m.query(`SAVEPOINT account_import_batch`);
  await m.query(
    `CREATE TEMP TABLE account_import_batch ON COMMIT DROP AS
       SELECT s.*, NULL::uuid AS account_id, NULL::text AS outcome, 0 AS round
         FROM account_import_staged s WHERE s.import_id = $1 AND s.row_no >= $2 AND s.row_no < $3 AND s.ok`,
    [b.importId, b.from, b.to],
  );
  await m.query(`CREATE UNIQUE INDEX ON account_import_batch (row_no)`);
  await m.query(`ANALYZE account_import_batch`);
  for (let round = 1; ; round++) {
    const assigned: { n: number }[] = await m.query(
      `WITH pending AS MATERIALIZED (
         SELECT b.row_no, b.external_id, b.domain,
                (SELECT x.account_id FROM account_external_ids x WHERE x.source = $1 AND x.external_id = b.external_id) AS ext_match,
                (SELECT a.id FROM accounts a WHERE a.domain = b.domain ORDER BY a.created_at, a.id LIMIT 1) AS domain_match
           FROM account_import_batch b WHERE b.outcome IS NULL
       ), ranked AS (
         SELECT p.*, COALESCE(p.ext_match, p.domain_match) AS match,
                CASE WHEN p.external_id IS NULL THEN 1
                     ELSE row_number() OVER (PARTITION BY p.external_id ORDER BY p.row_no) END AS r_ext,
                CASE WHEN p.domain IS NULL THEN 1
                     ELSE row_number() OVER (PARTITION BY p.domain ORDER BY p.row_no) END AS r_domain,
                CASE WHEN COALESCE(p.ext_match, p.domain_match) IS NULL THEN 1
                     ELSE row_number() OVER (PARTITION BY COALESCE(p.ext_match, p.domain_match) ORDER BY p.row_no) END AS r_match
           FROM pending p
       ), done AS (
         UPDATE account_import_batch b SET round = $2,
                outcome = CASE WHEN r.match IS NULL THEN 'insert' WHEN $3 = 'skip' THEN 'skip' ELSE 'update' END,
                account_id = COALESCE(r.match, import_uuidv7())
           FROM ranked r
          WHERE b.row_no = r.row_no AND r.r_ext = 1 AND r.r_domain = 1 AND r.r_match = 1
          RETURNING 1)
       SELECT count(*)::int AS n FROM done`,
      [source, round, b.onMatch],
    );
    if (!assigned[0].n) break;
    await insertNew(m, b, source, round);
    await updateMatched(m, b, source, round);
  }
  const outcomes: { outcome: string; n: number }[] = await m.query(
    `SELECT outcome, count(*)::int AS n FROM account_import_batch GROUP BY outcome`,
  );
  for (const o of outcomes) {
    if (o.outcome === 'insert') result.written = o.n;
    else if (o.outcome === 'update') result.updated = o.n;
    else if (o.outcome === 'skip') result.skipped = o.n;
  }
  if (b.dryRun) await m.query(`ROLLBACK TO SAVEPOINT account_import_batch`);
  else await m.query(`DROP TABLE account_import_batch`);
  await m.query(`RELEASE SAVEPOINT account_import_batch`);
  return result;
}

async function insertNew(m: EntityManager, b: ImportBatch<AccountsMapping>, source: string, round: number) {
  const rows = `FROM account_import_batch b WHERE b.round = ${round} AND b.outcome = 'insert'`;
  const inserted: { n: number }[] = await m.query(
    `WITH ins AS (
       INSERT INTO accounts (id, name, domain, industry, size_band, country, city, version, created_at, updated_at)
       SELECT b.account_id, b.name, b.domain, b.industry, b.size_band, b.country, b.city, 1, now(), now()
         ${rows} ORDER BY b.row_no
       RETURNING 1)
     SELECT count(*)::int AS n FROM ins`,
  );
  if (!inserted[0].n) return;
  await m.query(
    `INSERT INTO account_external_ids (account_id, source, external_id)
     SELECT b.account_id, $1, b.external_id ${rows} AND b.external_id IS NOT NULL`,
    [source],
  );
  await m.query(
    `INSERT INTO outbox (id, type, subject, payload, headers)
     SELECT a.ev_id, '${CONTACTS_EVENTS.accountCreated}', a.id::text, ${accountEvent(CONTACTS_EVENTS.accountCreated)}, $1::jsonb
       FROM (SELECT import_uuidv7() AS ev_id, b.row_no, x.*
               FROM account_import_batch b JOIN accounts x ON x.id = b.account_id
              WHERE b.round = ${round} AND b.outcome = 'insert') a
      ORDER BY a.row_no`,
    [b.headers],
  );
}

async function updateMatched(m: EntityManager, b: ImportBatch<AccountsMapping>, source: string, round: number) {
  const rows = `account_import_batch b WHERE b.round = ${round} AND b.outcome = 'update'`;
  const updated = await queryReturning<{ id: string; renamed: boolean }>(
    m,
    `WITH before AS (SELECT a.id, a.name FROM accounts a
                       JOIN account_import_batch b ON a.id = b.account_id
                      WHERE b.round = ${round} AND b.outcome = 'update')
     UPDATE accounts a SET name = b.name, domain = COALESCE(b.domain, a.domain),
            industry = COALESCE(b.industry, a.industry), size_band = COALESCE(b.size_band, a.size_band),
            country = COALESCE(b.country, a.country), city = COALESCE(b.city, a.city),
            version = a.version + 1, updated_at = now()
       FROM ${rows} AND a.id = b.account_id
     RETURNING a.id, (SELECT before.name FROM before WHERE before.id = a.id) IS DISTINCT FROM b.name AS renamed`,
    [],
  );
  if (!updated.length) return;
  await m.query(
    `INSERT INTO account_external_ids (account_id, source, external_id)
     SELECT b.account_id, $1, b.external_id FROM ${rows} AND b.external_id IS NOT NULL
     ON CONFLICT DO NOTHING`,
    [source],
  );
  // People are found by their company's name: keep their search text in step, as PATCH /accounts does.
  const renamed = updated.filter((u) => u.renamed).map((u) => u.id);
  if (renamed.length) {
    const people: { person_id: string }[] = await m.query(
      `SELECT DISTINCT person_id FROM person_accounts WHERE account_id = ANY($1::uuid[])`,
      [renamed],
    );
    await refreshSearchText(
      m,
      people.map((p) => p.person_id),
    );
  }
  await m.query(
    `INSERT INTO outbox (id, type, subject, payload, headers)
     SELECT a.ev_id, '${CONTACTS_EVENTS.accountUpdated}', a.id::text, ${accountEvent(CONTACTS_EVENTS.accountUpdated)}, $1::jsonb
       FROM (SELECT import_uuidv7() AS ev_id, b.row_no, x.*
               FROM account_import_batch b JOIN accounts x ON x.id = b.account_id
              WHERE b.round = ${round} AND b.outcome = 'update') a
      ORDER BY a.row_no`,
    [b.headers],
  );
}
