import type { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * The read models fed by sales, support and marketing, and the scores built
 * on them. Every table is keyed or indexed by customer id (contact id) first,
 * so they can be distributed by it (see the README).
 */
export class ReadModels1763800002000 implements MigrationInterface {
  name = 'ReadModels1763800002000';

  async up(q: QueryRunner): Promise<void> {
    await q.query(`ALTER TABLE customer_facts
      ADD COLUMN region text, ADD COLUMN city text, ADD COLUMN birth_year int, ADD COLUMN acquisition_campaign text`);
    await q.query(`CREATE TABLE lifecycle_history (
      contact_id uuid NOT NULL, stage text NOT NULL, reached_at timestamptz NOT NULL,
      PRIMARY KEY (contact_id, stage))`);
    await q.query(`CREATE TABLE orders (
      order_id uuid PRIMARY KEY,
      version int NOT NULL,
      customer_id uuid,
      status text NOT NULL,
      channel text NOT NULL,
      currency text NOT NULL,
      total_minor bigint NOT NULL,
      refunded_minor bigint NOT NULL DEFAULT 0,
      placed_at timestamptz NOT NULL,
      placed_day date NOT NULL,
      deal_id uuid,
      lines jsonb NOT NULL DEFAULT '[]',
      updated_at timestamptz NOT NULL DEFAULT clock_timestamp())`);
    await q.query(`CREATE INDEX orders_customer_idx ON orders (customer_id, placed_day)`);
    await q.query(`CREATE INDEX orders_day_idx ON orders (placed_day)`);
    await q.query(`CREATE INDEX orders_updated_idx ON orders (updated_at)`);
    await q.query(`CREATE TABLE products (
      product_id uuid PRIMARY KEY, version int NOT NULL, sku text, category text, model text)`);
    // One row per customer, recomputed from its orders on every order event.
    await q.query(`CREATE TABLE customer_orders (
      customer_id uuid PRIMARY KEY,
      first_day date,
      last_day date,
      orders int NOT NULL DEFAULT 0,
      purchase_days int NOT NULL DEFAULT 0,
      monetary_minor bigint NOT NULL DEFAULT 0,
      repeat_minor bigint NOT NULL DEFAULT 0,
      updated_at timestamptz NOT NULL DEFAULT clock_timestamp())`);
    await q.query(`CREATE TABLE clv_fits (
      calibration_end date NOT NULL,
      unit text NOT NULL,
      orders_watermark timestamptz,
      result jsonb NOT NULL,
      fitted_at timestamptz NOT NULL DEFAULT now(),
      PRIMARY KEY (calibration_end, unit))`);
    await q.query(`CREATE TABLE rfm_cutpoints (
      id int PRIMARY KEY DEFAULT 1 CHECK (id = 1),
      calibration_end date NOT NULL,
      recency int[] NOT NULL, frequency int[] NOT NULL, monetary bigint[] NOT NULL,
      computed_at timestamptz NOT NULL DEFAULT now())`);
    await q.query(`CREATE TABLE customer_scores (
      customer_id uuid PRIMARY KEY,
      calibration_end date NOT NULL,
      recency_days int NOT NULL,
      frequency int NOT NULL,
      monetary_minor bigint NOT NULL,
      r smallint NOT NULL, f smallint NOT NULL, m smallint NOT NULL,
      segment text NOT NULL,
      p_alive double precision,
      expected_purchases double precision,
      clv_minor bigint,
      churn_risk double precision,
      published_hash text,
      updated_at timestamptz NOT NULL DEFAULT now())`);
    await q.query(`CREATE INDEX customer_scores_segment_idx ON customer_scores (segment)`);
    await q.query(`CREATE INDEX customer_scores_clv_idx ON customer_scores (clv_minor DESC NULLS LAST, customer_id)`);
    await q.query(`CREATE TABLE deals (
      deal_id uuid PRIMARY KEY, version int NOT NULL, customer_id uuid, pipeline_id uuid NOT NULL,
      stage_id uuid NOT NULL, stage_name text, status text NOT NULL, amount_minor bigint NOT NULL, currency text NOT NULL,
      source_channel text, source_campaign text, created_at timestamptz NOT NULL, closed_at timestamptz,
      updated_at timestamptz NOT NULL DEFAULT clock_timestamp())`);
    await q.query(`CREATE INDEX deals_customer_idx ON deals (customer_id)`);
    await q.query(`CREATE TABLE deal_stage_history (
      deal_id uuid NOT NULL, version int NOT NULL, pipeline_id uuid NOT NULL, from_stage_id uuid, to_stage_id uuid NOT NULL,
      to_stage_name text, probability int, moved_at timestamptz NOT NULL, seconds_in_from_stage bigint, reopened boolean NOT NULL DEFAULT false,
      PRIMARY KEY (deal_id, version))`);
    await q.query(`CREATE TABLE campaigns (
      campaign_id uuid PRIMARY KEY, version int NOT NULL, name text NOT NULL, channel text NOT NULL,
      cost_minor bigint, currency text, utm_campaign text)`);
    await q.query(`CREATE TABLE touchpoints (
      touchpoint_id text PRIMARY KEY, customer_id uuid NOT NULL, campaign_id uuid, kind text NOT NULL, channel text NOT NULL,
      utm_source text, utm_medium text, utm_campaign text, order_id uuid, occurred_at timestamptz NOT NULL)`);
    await q.query(`CREATE INDEX touchpoints_customer_idx ON touchpoints (customer_id, occurred_at)`);
    await q.query(`CREATE TABLE coupon_redemptions (
      order_id uuid NOT NULL, code_hash text NOT NULL, customer_id uuid, promotion_id uuid, outcome text NOT NULL,
      reason text, at timestamptz NOT NULL, PRIMARY KEY (order_id, code_hash))`);
    await q.query(`CREATE TABLE points_entries (
      entry_id uuid PRIMARY KEY, customer_id uuid NOT NULL, program_id uuid NOT NULL, kind text NOT NULL,
      points int NOT NULL, at timestamptz NOT NULL)`);
    await q.query(`CREATE INDEX points_customer_idx ON points_entries (customer_id)`);
    await q.query(`CREATE TABLE survey_answers (
      response_id uuid PRIMARY KEY, customer_id uuid, survey_id uuid NOT NULL, nps smallint, answered_at timestamptz NOT NULL)`);
    await q.query(`CREATE TABLE tickets (
      ticket_id uuid PRIMARY KEY, version int NOT NULL, customer_id uuid, status text NOT NULL, priority text NOT NULL,
      channel text NOT NULL, team_id uuid, assignee_id uuid, created_at timestamptz NOT NULL,
      first_responded_at timestamptz, solved_at timestamptz, closed_at timestamptz,
      first_response_business_s bigint, resolution_business_s bigint,
      reopens int NOT NULL DEFAULT 0, merged_into uuid)`);
    await q.query(`CREATE INDEX tickets_customer_idx ON tickets (customer_id)`);
    await q.query(`CREATE INDEX tickets_created_idx ON tickets (created_at)`);
    await q.query(`CREATE TABLE sla_breaches (
      ticket_id uuid NOT NULL, target text NOT NULL, due_at timestamptz NOT NULL, PRIMARY KEY (ticket_id, target))`);
    await q.query(`CREATE TABLE csat_answers (
      survey_id uuid PRIMARY KEY, ticket_id uuid NOT NULL, agent_id uuid, team_id uuid, customer_id uuid,
      score smallint NOT NULL, answered_at timestamptz NOT NULL)`);
  }

  async down(q: QueryRunner): Promise<void> {
    for (const t of [
      'csat_answers',
      'sla_breaches',
      'tickets',
      'survey_answers',
      'points_entries',
      'coupon_redemptions',
      'touchpoints',
      'campaigns',
      'deal_stage_history',
      'deals',
      'customer_scores',
      'rfm_cutpoints',
      'clv_fits',
      'customer_orders',
      'products',
      'orders',
      'lifecycle_history',
    ])
      await q.query(`DROP TABLE ${t}`);
    await q.query(`ALTER TABLE customer_facts
      DROP COLUMN region, DROP COLUMN city, DROP COLUMN birth_year, DROP COLUMN acquisition_campaign`);
  }
}
