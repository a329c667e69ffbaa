import type { MigrationInterface, QueryRunner } from 'typeorm';

/** Webhook subscriptions and their deliveries (one row per subscription and event, kept as the delivery log). */
export class Webhooks1797200000000 implements MigrationInterface {
  name = 'Webhooks1797200000000';

  async up(q: QueryRunner): Promise<void> {
    await q.query(`
      CREATE TABLE webhook_subscriptions (
        id uuid PRIMARY KEY,
        owner_subject text NOT NULL,
        owner_kind text NOT NULL,
        owner_permissions text[] NOT NULL,
        url text NOT NULL,
        patterns text[] NOT NULL,
        filter jsonb NOT NULL DEFAULT '{}',
        description text,
        status text NOT NULL CHECK (status IN ('active', 'paused', 'disabled')),
        status_reason text,
        secret text NOT NULL,
        previous_secret text,
        previous_secret_until timestamptz,
        last_success_at timestamptz,
        version integer NOT NULL DEFAULT 1,
        created_at timestamptz NOT NULL,
        updated_at timestamptz NOT NULL
      )`);
    await q.query(`
      CREATE TABLE webhook_deliveries (
        id uuid PRIMARY KEY,
        subscription_id uuid NOT NULL REFERENCES webhook_subscriptions (id) ON DELETE CASCADE,
        seq bigserial NOT NULL,
        event_id text NOT NULL,
        event_type text NOT NULL,
        event_subject text NOT NULL,
        event jsonb NOT NULL,
        status text NOT NULL CHECK (status IN ('pending', 'delivered', 'dead')),
        attempts integer NOT NULL DEFAULT 0,
        next_attempt_at timestamptz NOT NULL,
        retry_since timestamptz NOT NULL,
        last_attempt_at timestamptz,
        last_status integer,
        last_error text,
        last_latency_ms integer,
        response_excerpt text,
        created_at timestamptz NOT NULL,
        delivered_at timestamptz,
        UNIQUE (subscription_id, event_id)
      )`);
    // The dispatcher reads each subscription's oldest pending deliveries in order.
    await q.query(
      `CREATE INDEX webhook_deliveries_pending ON webhook_deliveries (subscription_id, seq) WHERE status = 'pending'`,
    );
    await q.query(`CREATE INDEX webhook_deliveries_log ON webhook_deliveries (subscription_id, id DESC)`);
    await q.query(`CREATE INDEX webhook_subscriptions_listing ON webhook_subscriptions (id DESC)`);
  }

  async down(q: QueryRunner): Promise<void> {
    await q.query(`DROP TABLE webhook_deliveries`);
    await q.query(`DROP TABLE webhook_subscriptions`);
  }
}
