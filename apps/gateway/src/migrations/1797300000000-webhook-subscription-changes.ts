import type { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * A counter of changes to the webhook subscriptions that matter to the intake (created, deleted,
 * patterns, filter, status, owner permissions), bumped by a trigger in the changing transaction:
 * every replica's intake keeps the subscriptions in memory and reads them again only when it moved.
 */
export class WebhookSubscriptionChanges1797300000000 implements MigrationInterface {
  name = 'WebhookSubscriptionChanges1797300000000';

  async up(q: QueryRunner): Promise<void> {
    await q.query(`
      CREATE TABLE webhook_subscription_changes (
        one boolean PRIMARY KEY DEFAULT true CHECK (one),
        version bigint NOT NULL
      )`);
    await q.query(`INSERT INTO webhook_subscription_changes (one, version) VALUES (true, 0)`);
    await q.query(`
      CREATE FUNCTION webhook_subscriptions_changed() RETURNS trigger LANGUAGE plpgsql AS $$
      BEGIN
        UPDATE webhook_subscription_changes SET version = version + 1;
        RETURN NULL;
      END $$`);
    await q.query(`
      CREATE TRIGGER webhook_subscriptions_changed
        AFTER INSERT OR DELETE OR TRUNCATE OR UPDATE OF patterns, filter, status, owner_permissions
        ON webhook_subscriptions FOR EACH STATEMENT EXECUTE FUNCTION webhook_subscriptions_changed()`);
  }

  async down(q: QueryRunner): Promise<void> {
    await q.query(`DROP TRIGGER webhook_subscriptions_changed ON webhook_subscriptions`);
    await q.query(`DROP FUNCTION webhook_subscriptions_changed()`);
    await q.query(`DROP TABLE webhook_subscription_changes`);
  }
}
