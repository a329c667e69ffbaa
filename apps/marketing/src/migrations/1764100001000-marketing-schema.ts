import type { MigrationInterface, QueryRunner } from 'typeorm';

export class MarketingSchema1764100001000 implements MigrationInterface {
  name = 'MarketingSchema1764100001000';

  async up(q: QueryRunner): Promise<void> {
    // UUIDv7 in SQL (Postgres 15 has none): a v4 with the millisecond clock in its first 48 bits and version 7.
    await q.query(`
      CREATE FUNCTION marketing_uuidv7() RETURNS uuid LANGUAGE sql VOLATILE AS $$
        SELECT encode(set_bit(set_bit(overlay(uuid_send(gen_random_uuid()) PLACING
          substring(int8send(floor(extract(epoch FROM clock_timestamp()) * 1000)::bigint) FROM 3) FROM 1 FOR 6), 52, 1), 53, 1),
          'hex')::uuid
      $$`);
    // The contact mirror: the fields segments and sends need, fed by contacts, sales and analytics events.
    await q.query(`
      CREATE TABLE contact_mirror (
        contact_id uuid PRIMARY KEY,
        version int NOT NULL DEFAULT 0,
        status text NOT NULL DEFAULT 'active',
        merged_into uuid,
        email text,
        phone text,
        first_name text,
        last_name text,
        display_name text,
        locale text,
        country text,
        region text,
        city text,
        birth_date date,
        lifecycle_stage text,
        tags text[] NOT NULL DEFAULT '{}',
        account_id uuid,
        source_channel text,
        source_campaign text,
        utm_source text,
        utm_medium text,
        utm_campaign text,
        custom_fields jsonb NOT NULL DEFAULT '{}',
        time_zone text,
        contact_created_at timestamptz,
        order_count int NOT NULL DEFAULT 0,
        order_total_minor bigint NOT NULL DEFAULT 0,
        first_order_at timestamptz,
        last_order_at timestamptz,
        products text[] NOT NULL DEFAULT '{}',
        categories text[] NOT NULL DEFAULT '{}',
        rfm_segment text,
        clv_minor bigint,
        churn_risk real,
        scores_version bigint NOT NULL DEFAULT 0,
        updated_at timestamptz NOT NULL DEFAULT clock_timestamp()
      )`);
    await q.query(`CREATE INDEX contact_mirror_country_idx ON contact_mirror (country)`);
    await q.query(`CREATE INDEX contact_mirror_updated_idx ON contact_mirror (updated_at)`);
    await q.query(`
      CREATE TABLE consent_mirror (
        contact_id uuid NOT NULL,
        channel text NOT NULL,
        purpose text NOT NULL,
        granted boolean NOT NULL,
        decided_at timestamptz NOT NULL,
        PRIMARY KEY (contact_id, channel, purpose)
      )`);
    await q.query(`
      CREATE TABLE mirror_orders (
        order_id uuid PRIMARY KEY,
        contact_id uuid,
        version int NOT NULL,
        status text NOT NULL,
        currency text NOT NULL,
        total_minor bigint NOT NULL,
        placed_at timestamptz NOT NULL,
        products text[] NOT NULL DEFAULT '{}',
        categories text[] NOT NULL DEFAULT '{}',
        coupon_codes text[] NOT NULL DEFAULT '{}',
        utm_campaign text
      )`);
    await q.query(`CREATE INDEX mirror_orders_contact_idx ON mirror_orders (contact_id)`);
    await q.query(`
      CREATE TABLE mirror_products (
        product_id uuid PRIMARY KEY,
        version int NOT NULL,
        sku text,
        category text
      )`);
    await q.query(`
      CREATE TABLE do_not_contact (
        contact_id uuid PRIMARY KEY,
        reason text NOT NULL,
        created_at timestamptz NOT NULL DEFAULT now()
      )`);

    await q.query(`
      CREATE TABLE segments (
        id uuid PRIMARY KEY,
        name text NOT NULL,
        description text,
        kind text NOT NULL CHECK (kind IN ('dynamic', 'static')),
        definition jsonb,
        version int NOT NULL DEFAULT 1,
        definition_version int NOT NULL DEFAULT 1,
        status text NOT NULL DEFAULT 'ready' CHECK (status IN ('building', 'ready')),
        built_version int NOT NULL DEFAULT 0,
        build_total int NOT NULL DEFAULT 0,
        build_done int NOT NULL DEFAULT 0,
        build_started_at timestamptz,
        built_at timestamptz,
        build_ms int,
        created_at timestamptz NOT NULL DEFAULT now(),
        updated_at timestamptz NOT NULL DEFAULT now()
      )`);
    await q.query(`
      CREATE TABLE segment_members (
        segment_id uuid NOT NULL REFERENCES segments (id) ON DELETE CASCADE,
        contact_id uuid NOT NULL,
        entered_at timestamptz NOT NULL DEFAULT now(),
        PRIMARY KEY (segment_id, contact_id)
      )`);
    await q.query(`CREATE INDEX segment_members_contact_idx ON segment_members (contact_id)`);

    await q.query(`
      CREATE TABLE templates (
        id uuid PRIMARY KEY,
        name text NOT NULL,
        channel text NOT NULL,
        subject text,
        body text NOT NULL,
        text_body text,
        variables text[] NOT NULL DEFAULT '{}',
        version int NOT NULL DEFAULT 1,
        created_at timestamptz NOT NULL DEFAULT now(),
        updated_at timestamptz NOT NULL DEFAULT now()
      )`);

    await q.query(`
      CREATE TABLE send_rules (
        channel text PRIMARY KEY,
        max_messages int NOT NULL,
        period_hours int NOT NULL,
        quiet_start smallint,
        quiet_end smallint,
        version int NOT NULL DEFAULT 1,
        updated_at timestamptz NOT NULL DEFAULT now()
      )`);
    await q.query(`INSERT INTO send_rules (channel, max_messages, period_hours) VALUES
      ('email', 3, 168), ('sms', 2, 168), ('social', 10, 168)`);

    await q.query(`
      CREATE TABLE campaigns (
        id uuid PRIMARY KEY,
        name text NOT NULL,
        channel text NOT NULL,
        status text NOT NULL DEFAULT 'draft',
        template_id uuid NOT NULL REFERENCES templates (id),
        template_b_id uuid REFERENCES templates (id),
        split_b_percent smallint NOT NULL DEFAULT 0,
        winner_metric text,
        segment_ids uuid[] NOT NULL DEFAULT '{}',
        exclude_segment_ids uuid[] NOT NULL DEFAULT '{}',
        contact_ids uuid[] NOT NULL DEFAULT '{}',
        send_at timestamptz,
        throttle_per_minute int,
        cost_minor bigint,
        currency text,
        promotion_id uuid,
        utm_source text,
        utm_medium text,
        utm_campaign text,
        version int NOT NULL DEFAULT 1,
        started_at timestamptz,
        completed_at timestamptz,
        created_at timestamptz NOT NULL DEFAULT now(),
        updated_at timestamptz NOT NULL DEFAULT now()
      )`);
    await q.query(`CREATE INDEX campaigns_due_idx ON campaigns (status, send_at)`);
    await q.query(`
      CREATE TABLE campaign_messages (
        id uuid PRIMARY KEY,
        campaign_id uuid NOT NULL REFERENCES campaigns (id),
        contact_id uuid NOT NULL,
        channel text NOT NULL,
        variant char(1) NOT NULL DEFAULT 'A',
        status text NOT NULL DEFAULT 'pending',
        reason text,
        address text,
        coupon_code text,
        not_before timestamptz,
        claimed_at timestamptz,
        sent_at timestamptz,
        provider_id text,
        updated_at timestamptz NOT NULL DEFAULT now(),
        UNIQUE (campaign_id, contact_id)
      )`);
    await q.query(`CREATE INDEX campaign_messages_work_idx ON campaign_messages (campaign_id, status)`);
    await q.query(
      `CREATE INDEX campaign_messages_cap_idx ON campaign_messages (contact_id, channel, sent_at) WHERE status IN ('sending', 'sent', 'delivered', 'bounced')`,
    );
    await q.query(`
      CREATE TABLE touchpoints (
        id uuid PRIMARY KEY,
        contact_id uuid NOT NULL,
        campaign_id uuid,
        message_id uuid,
        kind text NOT NULL,
        channel text NOT NULL,
        utm_source text,
        utm_medium text,
        utm_campaign text,
        url text,
        order_id uuid,
        occurred_at timestamptz NOT NULL DEFAULT now()
      )`);
    await q.query(`CREATE INDEX touchpoints_contact_idx ON touchpoints (contact_id, occurred_at DESC)`);
    await q.query(`CREATE INDEX touchpoints_campaign_idx ON touchpoints (campaign_id, kind)`);
    await q.query(`CREATE UNIQUE INDEX touchpoints_conversion_once ON touchpoints (order_id) WHERE kind = 'converted'`);

    await q.query(`
      CREATE TABLE promotions (
        id uuid PRIMARY KEY,
        name text NOT NULL,
        discount_kind text NOT NULL CHECK (discount_kind IN ('percent', 'amount')),
        percent numeric(5, 2),
        amount_minor bigint,
        currency text,
        scope text NOT NULL DEFAULT 'all',
        scope_values text[] NOT NULL DEFAULT '{}',
        valid_from timestamptz,
        valid_until timestamptz,
        max_redemptions int,
        redemptions int NOT NULL DEFAULT 0,
        per_customer_limit int NOT NULL DEFAULT 1,
        code_kind text NOT NULL CHECK (code_kind IN ('shared', 'unique')),
        shared_code text,
        segment_id uuid,
        contact_ids uuid[] NOT NULL DEFAULT '{}',
        version int NOT NULL DEFAULT 1,
        created_at timestamptz NOT NULL DEFAULT now()
      )`);
    await q.query(`
      CREATE TABLE coupons (
        id uuid PRIMARY KEY,
        promotion_id uuid NOT NULL REFERENCES promotions (id),
        code text NOT NULL UNIQUE,
        contact_id uuid,
        status text NOT NULL DEFAULT 'issued',
        campaign_id uuid,
        issued_at timestamptz NOT NULL DEFAULT now(),
        redeemed_at timestamptz
      )`);
    await q.query(`CREATE INDEX coupons_contact_idx ON coupons (contact_id)`);
    await q.query(`
      CREATE TABLE coupon_redemptions (
        id uuid PRIMARY KEY,
        promotion_id uuid,
        coupon_id uuid,
        code text NOT NULL,
        order_id uuid NOT NULL,
        contact_id uuid,
        outcome text NOT NULL,
        reason text,
        occurred_at timestamptz NOT NULL DEFAULT now(),
        UNIQUE (order_id, code)
      )`);

    await q.query(`
      CREATE TABLE loyalty_programs (
        id uuid PRIMARY KEY,
        name text NOT NULL,
        currency text NOT NULL,
        points_per_unit numeric(10, 2) NOT NULL,
        category_multipliers jsonb NOT NULL DEFAULT '{}',
        tiers jsonb NOT NULL DEFAULT '[]',
        expiry_days int,
        version int NOT NULL DEFAULT 1,
        created_at timestamptz NOT NULL DEFAULT now()
      )`);
    await q.query(`
      CREATE TABLE loyalty_accounts (
        program_id uuid NOT NULL REFERENCES loyalty_programs (id),
        contact_id uuid NOT NULL,
        balance bigint NOT NULL DEFAULT 0 CHECK (balance >= 0),
        lifetime bigint NOT NULL DEFAULT 0,
        tier text,
        updated_at timestamptz NOT NULL DEFAULT now(),
        PRIMARY KEY (program_id, contact_id)
      )`);
    await q.query(`
      CREATE TABLE loyalty_ledger (
        id uuid PRIMARY KEY,
        program_id uuid NOT NULL REFERENCES loyalty_programs (id),
        contact_id uuid NOT NULL,
        kind text NOT NULL CHECK (kind IN ('earn', 'redeem', 'expire', 'adjust')),
        points bigint NOT NULL,
        remaining bigint NOT NULL DEFAULT 0 CHECK (remaining >= 0),
        order_id uuid,
        reason text,
        expires_at timestamptz,
        occurred_at timestamptz NOT NULL DEFAULT now()
      )`);
    await q.query(
      `CREATE UNIQUE INDEX loyalty_ledger_order_once ON loyalty_ledger (program_id, order_id, kind) WHERE order_id IS NOT NULL`,
    );
    await q.query(`CREATE INDEX loyalty_ledger_contact_idx ON loyalty_ledger (program_id, contact_id, occurred_at)`);

    await q.query(`
      CREATE TABLE surveys (
        id uuid PRIMARY KEY,
        name text NOT NULL,
        questions jsonb NOT NULL,
        version int NOT NULL DEFAULT 1,
        created_at timestamptz NOT NULL DEFAULT now()
      )`);
    await q.query(`
      CREATE TABLE survey_invitations (
        id uuid PRIMARY KEY,
        survey_id uuid NOT NULL REFERENCES surveys (id),
        contact_id uuid,
        token_hash text NOT NULL UNIQUE,
        created_at timestamptz NOT NULL DEFAULT now(),
        answered_at timestamptz
      )`);
    await q.query(`
      CREATE TABLE survey_responses (
        id uuid PRIMARY KEY,
        survey_id uuid NOT NULL REFERENCES surveys (id),
        invitation_id uuid NOT NULL UNIQUE REFERENCES survey_invitations (id),
        contact_id uuid,
        answers jsonb NOT NULL,
        nps smallint CHECK (nps BETWEEN 0 AND 10),
        answered_at timestamptz NOT NULL DEFAULT now()
      )`);
  }

  async down(q: QueryRunner): Promise<void> {
    for (const t of [
      'survey_responses',
      'survey_invitations',
      'surveys',
      'loyalty_ledger',
      'loyalty_accounts',
      'loyalty_programs',
      'coupon_redemptions',
      'coupons',
      'promotions',
      'touchpoints',
      'campaign_messages',
      'campaigns',
      'send_rules',
      'templates',
      'segment_members',
      'segments',
      'do_not_contact',
      'mirror_products',
      'mirror_orders',
      'consent_mirror',
      'contact_mirror',
    ])
      await q.query(`DROP TABLE ${t}`);
    await q.query(`DROP FUNCTION marketing_uuidv7()`);
  }
}
