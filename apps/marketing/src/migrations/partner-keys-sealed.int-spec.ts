import { Client } from 'pg';
import { messagingMigrations } from '@crm/messaging';
import { createTestDatabase, postgresOptions, runMigrations, uuidv7, type TestDatabase } from '@crm/persistence';
import { entities, migrations } from '../app.module';
import { openKey, partnerMasterKey } from '../partners/partner-keys';
import { newSharedKey } from '../partners/partner-crypto';
import { MarketingSchema1764100001000 } from './1764100001000-marketing-schema';
import { PartnerSharing1764100002000 } from './1764100002000-partner-sharing';

describe('migration: agreements keys sealed at rest (real Postgres)', () => {
  let database: TestDatabase;
  let db: Client;
  const env = { ...process.env };

  beforeAll(async () => {
    database = await createTestDatabase('marketing_keys');
    db = new Client({ connectionString: database.url });
    await db.connect();
  });

  afterAll(async () => {
    process.env = env;
    await db?.end();
    await database?.drop();
  });

  it('seals the plain keys already stored, and the column that held them is gone', async () => {
    const before = [...messagingMigrations, MarketingSchema1764100001000, PartnerSharing1764100002000];
    await runMigrations(postgresOptions({ url: database.url, entities, migrations: before }));
    const partner = uuidv7();
    const agreement = uuidv7();
    const plain = newSharedKey();
    await db.query(`INSERT INTO partners (id, name, base_url) VALUES ($1, 'P', 'https://p.example')`, [partner]);
    await db.query(
      `INSERT INTO partner_agreements (id, partner_id, exchange_id, shared_key, name, purposes, fields, valid_from,
         valid_until, min_audience_size, status)
       VALUES ($1, $2, $3, $4, 'A', '{marketing}', '{emailHash}', now(), now() + interval '1 year', 2, 'active')`,
      [agreement, partner, uuidv7(), plain],
    );
    const master = Buffer.alloc(32, 9).toString('base64');
    process.env['PARTNER_KEY_ENCRYPTION_KEY'] = master;
    await runMigrations(postgresOptions({ url: database.url, entities, migrations }));

    const row = (await db.query(`SELECT row_to_json(g)::text AS json, shared_key_sealed FROM partner_agreements g`))
      .rows[0];
    expect(row.json).not.toContain(plain);
    const columns = (
      await db.query(`SELECT column_name FROM information_schema.columns WHERE table_name = 'partner_agreements'`)
    ).rows.map((r) => r.column_name);
    expect(columns).not.toContain('shared_key');
    expect(openKey(partnerMasterKey({ PARTNER_KEY_ENCRYPTION_KEY: master }), agreement, row.shared_key_sealed)).toBe(
      plain,
    );
  });
});
