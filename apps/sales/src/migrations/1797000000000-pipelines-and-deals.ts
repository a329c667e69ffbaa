import type { MigrationInterface, QueryRunner } from 'typeorm';

/** Pipelines, stages, lost reasons, deals with their stage history, deal custom fields, the contact mirror, currency rates. */
export class PipelinesAndDeals1797000000000 implements MigrationInterface {
  name = 'PipelinesAndDeals1797000000000';

  async up(q: QueryRunner): Promise<void> {
    await q.query(`CREATE EXTENSION IF NOT EXISTS pg_trgm`);
    await q.query(`
      CREATE TABLE pipelines (
        id uuid PRIMARY KEY,
        name text NOT NULL,
        version int NOT NULL DEFAULT 1,
        created_at timestamptz NOT NULL DEFAULT now(),
        updated_at timestamptz NOT NULL DEFAULT now()
      )`);
    await q.query(`CREATE UNIQUE INDEX pipelines_name_key ON pipelines (lower(name))`);
    // A retired stage keeps its row: deals' history still names it; it only leaves the board and takes no new deals.
    await q.query(`
      CREATE TABLE stages (
        id uuid PRIMARY KEY,
        pipeline_id uuid NOT NULL REFERENCES pipelines (id),
        name text NOT NULL,
        kind text NOT NULL CHECK (kind IN ('open', 'won', 'lost')),
        probability int NOT NULL CHECK (probability BETWEEN 0 AND 100),
        position int NOT NULL,
        retired_at timestamptz,
        created_at timestamptz NOT NULL DEFAULT now(),
        updated_at timestamptz NOT NULL DEFAULT now()
      )`);
    await q.query(`CREATE INDEX stages_pipeline_idx ON stages (pipeline_id, position)`);
    await q.query(`
      CREATE TABLE lost_reasons (
        id uuid PRIMARY KEY,
        label text NOT NULL,
        active boolean NOT NULL DEFAULT true,
        created_at timestamptz NOT NULL DEFAULT now(),
        updated_at timestamptz NOT NULL DEFAULT now()
      )`);
    await q.query(`CREATE UNIQUE INDEX lost_reasons_label_key ON lost_reasons (lower(label))`);
    await q.query(`
      CREATE TABLE deal_custom_fields (
        key text PRIMARY KEY,
        label text NOT NULL,
        type text NOT NULL,
        required boolean NOT NULL DEFAULT false,
        options text[],
        max_length int,
        created_at timestamptz NOT NULL DEFAULT now()
      )`);
    await q.query(`
      CREATE TABLE deals (
        id uuid PRIMARY KEY,
        pipeline_id uuid NOT NULL REFERENCES pipelines (id),
        stage_id uuid NOT NULL REFERENCES stages (id),
        status text NOT NULL CHECK (status IN ('open', 'won', 'lost')),
        name text NOT NULL,
        contact_id uuid,
        account_id uuid,
        owner_id text,
        amount bigint NOT NULL CHECK (amount >= 0),
        currency char(3) NOT NULL,
        expected_close_date date,
        source_campaign text,
        source_channel text,
        tags text[] NOT NULL DEFAULT '{}',
        custom_fields jsonb NOT NULL DEFAULT '{}',
        stage_entered_at timestamptz NOT NULL,
        closed_at timestamptz,
        closed_by text,
        lost_reason_id uuid REFERENCES lost_reasons (id),
        lost_note text,
        version int NOT NULL DEFAULT 1,
        created_by text,
        created_at timestamptz NOT NULL DEFAULT now(),
        updated_at timestamptz NOT NULL DEFAULT now()
      )`);
    // The board: counts and sums per stage without reading the table.
    await q.query(`CREATE INDEX deals_board_idx ON deals (pipeline_id, stage_id, id DESC) INCLUDE (amount, currency)`);
    // The forecast: open deals by close month, won deals by won month.
    await q.query(
      `CREATE INDEX deals_open_forecast_idx ON deals (currency, expected_close_date) INCLUDE (amount, stage_id, owner_id, pipeline_id) WHERE status = 'open'`,
    );
    await q.query(
      `CREATE INDEX deals_won_forecast_idx ON deals (currency, closed_at) INCLUDE (amount, owner_id, pipeline_id) WHERE status = 'won'`,
    );
    await q.query(`CREATE INDEX deals_contact_idx ON deals (contact_id, id DESC) WHERE contact_id IS NOT NULL`);
    await q.query(`CREATE INDEX deals_account_idx ON deals (account_id, id DESC) WHERE account_id IS NOT NULL`);
    await q.query(`CREATE INDEX deals_owner_idx ON deals (owner_id, id DESC)`);
    await q.query(`CREATE INDEX deals_tags_idx ON deals USING gin (tags)`);
    await q.query(`CREATE INDEX deals_name_trgm_idx ON deals USING gin (name gin_trgm_ops)`);
    await q.query(`
      CREATE TABLE deal_stage_history (
        id uuid PRIMARY KEY,
        deal_id uuid NOT NULL REFERENCES deals (id),
        from_stage_id uuid REFERENCES stages (id),
        to_stage_id uuid NOT NULL REFERENCES stages (id),
        moved_by text,
        moved_at timestamptz NOT NULL,
        seconds_in_from_stage bigint,
        reopened boolean NOT NULL DEFAULT false
      )`);
    await q.query(`CREATE INDEX deal_stage_history_deal_idx ON deal_stage_history (deal_id, moved_at, id)`);
    // The few contact fields sales shows, fed by crm.contacts.* events; never asked of contacts synchronously.
    await q.query(`
      CREATE TABLE contact_mirror (
        contact_id uuid PRIMARY KEY,
        version int NOT NULL,
        status text NOT NULL DEFAULT 'active',
        display_name text,
        primary_email text,
        account_id uuid,
        external_id text,
        merged_into uuid,
        updated_at timestamptz NOT NULL DEFAULT now()
      )`);
    // One unit of currency is worth rate units of the base currency (SALES_BASE_CURRENCY).
    await q.query(`
      CREATE TABLE currency_rates (
        currency char(3) PRIMARY KEY,
        rate numeric(24, 12) NOT NULL CHECK (rate > 0),
        updated_by text,
        updated_at timestamptz NOT NULL DEFAULT now()
      )`);
  }

  async down(q: QueryRunner): Promise<void> {
    for (const t of [
      'currency_rates',
      'contact_mirror',
      'deal_stage_history',
      'deals',
      'deal_custom_fields',
      'lost_reasons',
      'stages',
      'pipelines',
    ])
      await q.query(`DROP TABLE ${t}`);
  }
}
