import type { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * Per (pipeline, stage, owner, currency) counts and sums of deals, kept by a
 * trigger in the same transaction as every deal write, so the board reads a
 * few hundred rows instead of aggregating every deal of the pipeline.
 * `owner_key` is the owner id, '' for none (a primary key takes no null).
 */
export class DealBoardTotals1797000000001 implements MigrationInterface {
  name = 'DealBoardTotals1797000000001';

  async up(q: QueryRunner): Promise<void> {
    await q.query(`
      CREATE TABLE deal_board_totals (
        pipeline_id uuid NOT NULL,
        stage_id uuid NOT NULL,
        owner_key text NOT NULL,
        currency char(3) NOT NULL,
        n int NOT NULL,
        amount numeric NOT NULL,
        PRIMARY KEY (pipeline_id, stage_id, owner_key, currency)
      )`);
    await q.query(`
      CREATE FUNCTION deal_board_totals_apply() RETURNS trigger LANGUAGE plpgsql AS $$
      BEGIN
        IF TG_OP IN ('UPDATE', 'DELETE') THEN
          UPDATE deal_board_totals SET n = n - 1, amount = amount - OLD.amount
           WHERE pipeline_id = OLD.pipeline_id AND stage_id = OLD.stage_id
             AND owner_key = COALESCE(OLD.owner_id, '') AND currency = OLD.currency;
        END IF;
        IF TG_OP IN ('INSERT', 'UPDATE') THEN
          INSERT INTO deal_board_totals AS t (pipeline_id, stage_id, owner_key, currency, n, amount)
          VALUES (NEW.pipeline_id, NEW.stage_id, COALESCE(NEW.owner_id, ''), NEW.currency, 1, NEW.amount)
          ON CONFLICT (pipeline_id, stage_id, owner_key, currency)
          DO UPDATE SET n = t.n + 1, amount = t.amount + EXCLUDED.amount;
        END IF;
        RETURN NULL;
      END $$`);
    await q.query(
      `CREATE TRIGGER deal_board_totals_insert AFTER INSERT ON deals FOR EACH ROW EXECUTE FUNCTION deal_board_totals_apply()`,
    );
    await q.query(
      `CREATE TRIGGER deal_board_totals_delete AFTER DELETE ON deals FOR EACH ROW EXECUTE FUNCTION deal_board_totals_apply()`,
    );
    await q.query(`
      CREATE TRIGGER deal_board_totals_update AFTER UPDATE ON deals FOR EACH ROW
      WHEN (OLD.pipeline_id IS DISTINCT FROM NEW.pipeline_id OR OLD.stage_id IS DISTINCT FROM NEW.stage_id
         OR OLD.owner_id IS DISTINCT FROM NEW.owner_id OR OLD.currency IS DISTINCT FROM NEW.currency
         OR OLD.amount IS DISTINCT FROM NEW.amount)
      EXECUTE FUNCTION deal_board_totals_apply()`);
    await q.query(`
      INSERT INTO deal_board_totals (pipeline_id, stage_id, owner_key, currency, n, amount)
      SELECT pipeline_id, stage_id, COALESCE(owner_id, ''), currency, count(*), sum(amount)
        FROM deals GROUP BY 1, 2, 3, 4`);
  }

  async down(q: QueryRunner): Promise<void> {
    await q.query(`DROP TRIGGER deal_board_totals_update ON deals`);
    await q.query(`DROP TRIGGER deal_board_totals_delete ON deals`);
    await q.query(`DROP TRIGGER deal_board_totals_insert ON deals`);
    await q.query(`DROP FUNCTION deal_board_totals_apply()`);
    await q.query(`DROP TABLE deal_board_totals`);
  }
}
