import type { MigrationInterface, QueryRunner } from 'typeorm';
import { DROP_IMPORT_TABLES_SQL, IMPORT_TABLES_SQL, exportAuditSql } from '@crm/bulk';

/**
 * Historical orders from CSV (issue 12), on @crm/bulk's durable import jobs:
 * its tables (imports, import_errors, import_mappings), the uploaded lines
 * (`order_import_staged`, one row per CSV row, checked and priced) and the
 * orders they make up (`order_import_orders`, grouped, refused or numbered
 * in the order their events go out: by customer, then placed at), both
 * unlogged: they are written once and read once, and a database crash
 * losing them fails the import (its job finds them missing) rather than
 * writing anything twice. And the
 * audit of exports of deals and orders (`sales_exports`).
 */
export class OrderImportsAndExports1797100000100 implements MigrationInterface {
  name = 'OrderImportsAndExports1797100000100';

  async up(q: QueryRunner): Promise<void> {
    for (const sql of IMPORT_TABLES_SQL) await q.query(sql);
    await q.query(`
      CREATE UNLOGGED TABLE order_import_staged (
        import_id uuid NOT NULL,
        row_no int NOT NULL,
        ok boolean NOT NULL,
        channel text,
        external_order_id text,
        location text,
        placed_at timestamptz,
        status text,
        contact_id uuid,
        contact_external_id text,
        currency text,
        currency_digits smallint,
        sku text,
        name text,
        model text,
        quantity int,
        unit_price_minor bigint,
        discount_thousandths int,
        tax_thousandths int,
        gross_minor bigint,
        discount_minor bigint,
        net_minor bigint,
        tax_minor bigint,
        total_minor bigint,
        PRIMARY KEY (import_id, row_no)
      )`);
    await q.query(
      `CREATE INDEX order_import_staged_order_idx ON order_import_staged (import_id, channel, external_order_id, row_no)`,
    );
    await q.query(`
      CREATE UNLOGGED TABLE order_import_orders (
        import_id uuid NOT NULL,
        channel text NOT NULL,
        external_order_id text NOT NULL,
        seq int,
        first_row int NOT NULL,
        lines int NOT NULL,
        problem text,
        location text,
        placed_at timestamptz,
        status text,
        contact_id uuid,
        contact_external_id text,
        account_id uuid,
        currency text,
        currency_digits smallint,
        gross_minor numeric,
        discount_minor numeric,
        net_minor numeric,
        tax_minor numeric,
        total_minor numeric,
        PRIMARY KEY (import_id, channel, external_order_id)
      )`);
    await q.query(
      `CREATE INDEX order_import_orders_seq_idx ON order_import_orders (import_id, seq) WHERE seq IS NOT NULL`,
    );
    for (const sql of exportAuditSql('sales_exports')) await q.query(sql);
  }

  async down(q: QueryRunner): Promise<void> {
    await q.query(`DROP TABLE sales_exports`);
    await q.query(`DROP TABLE order_import_orders`);
    await q.query(`DROP TABLE order_import_staged`);
    for (const sql of DROP_IMPORT_TABLES_SQL) await q.query(sql);
  }
}
