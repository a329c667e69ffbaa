import type { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * Products, price books with their prices, quotes (versioned, with lines),
 * orders with lines, refunds by line. Amounts are bigint minor units;
 * percentages integer thousandths of a percent (12.5 % = 12500).
 */
export class ProductsQuotesOrders1797100000000 implements MigrationInterface {
  name = 'ProductsQuotesOrders1797100000000';

  async up(q: QueryRunner): Promise<void> {
    await q.query(`
      CREATE TABLE products (
        id uuid PRIMARY KEY,
        sku text NOT NULL,
        name text NOT NULL,
        model text,
        category text,
        unit text NOT NULL DEFAULT 'each',
        active boolean NOT NULL DEFAULT true,
        version int NOT NULL DEFAULT 1,
        created_at timestamptz NOT NULL DEFAULT now(),
        updated_at timestamptz NOT NULL DEFAULT now()
      )`);
    await q.query(`CREATE UNIQUE INDEX products_sku_key ON products (lower(sku))`);
    await q.query(`CREATE INDEX products_category_idx ON products (category, id DESC)`);
    await q.query(`CREATE INDEX products_search_trgm_idx ON products USING gin ((sku || ' ' || name) gin_trgm_ops)`);

    await q.query(`
      CREATE TABLE price_books (
        id uuid PRIMARY KEY,
        name text NOT NULL,
        currency char(3) NOT NULL,
        valid_from date,
        valid_to date,
        is_default boolean NOT NULL DEFAULT false,
        version int NOT NULL DEFAULT 1,
        created_at timestamptz NOT NULL DEFAULT now(),
        updated_at timestamptz NOT NULL DEFAULT now(),
        CHECK (valid_to IS NULL OR valid_from IS NULL OR valid_to >= valid_from)
      )`);
    // At most one default per currency; the service keeps it exactly one once a currency has a book.
    await q.query(`CREATE UNIQUE INDEX price_books_default_key ON price_books (currency) WHERE is_default`);
    await q.query(`CREATE UNIQUE INDEX price_books_name_key ON price_books (lower(name))`);
    await q.query(`
      CREATE TABLE price_book_prices (
        price_book_id uuid NOT NULL REFERENCES price_books (id) ON DELETE CASCADE,
        product_id uuid NOT NULL REFERENCES products (id),
        unit_price_minor bigint NOT NULL CHECK (unit_price_minor >= 0),
        updated_at timestamptz NOT NULL DEFAULT now(),
        PRIMARY KEY (price_book_id, product_id)
      )`);

    await q.query(`CREATE SEQUENCE quote_number_seq`);
    await q.query(`
      CREATE TABLE quotes (
        id uuid PRIMARY KEY,
        number text NOT NULL,
        revision int NOT NULL CHECK (revision >= 1),
        previous_quote_id uuid REFERENCES quotes (id),
        superseded_by uuid REFERENCES quotes (id),
        deal_id uuid NOT NULL REFERENCES deals (id),
        contact_id uuid,
        account_id uuid,
        price_book_id uuid REFERENCES price_books (id),
        status text NOT NULL CHECK (status IN ('draft', 'sent', 'accepted', 'rejected', 'expired')),
        currency char(3) NOT NULL,
        currency_digits smallint NOT NULL,
        gross_minor bigint NOT NULL,
        discount_minor bigint NOT NULL,
        net_minor bigint NOT NULL,
        tax_minor bigint NOT NULL,
        total_minor bigint NOT NULL,
        valid_until date,
        sent_at timestamptz,
        accepted_at timestamptz,
        rejected_at timestamptz,
        expired_at timestamptz,
        rejection_reason text,
        order_id uuid,
        billing_name text,
        billing_email text,
        billing_address jsonb,
        version int NOT NULL DEFAULT 1,
        created_by text,
        created_at timestamptz NOT NULL DEFAULT now(),
        updated_at timestamptz NOT NULL DEFAULT now(),
        UNIQUE (number, revision)
      )`);
    await q.query(`CREATE INDEX quotes_deal_idx ON quotes (deal_id, id DESC)`);
    await q.query(`CREATE INDEX quotes_contact_idx ON quotes (contact_id, id DESC) WHERE contact_id IS NOT NULL`);
    await q.query(`CREATE INDEX quotes_account_idx ON quotes (account_id, id DESC) WHERE account_id IS NOT NULL`);
    await q.query(`CREATE INDEX quotes_status_idx ON quotes (status, id DESC)`);
    // What the expiry job reads: sent, current revisions by validity.
    await q.query(
      `CREATE INDEX quotes_due_idx ON quotes (valid_until) WHERE status = 'sent' AND superseded_by IS NULL AND valid_until IS NOT NULL`,
    );
    await q.query(`
      CREATE TABLE quote_lines (
        id uuid PRIMARY KEY,
        quote_id uuid NOT NULL REFERENCES quotes (id) ON DELETE CASCADE,
        line_no int NOT NULL,
        product_id uuid NOT NULL REFERENCES products (id),
        sku text NOT NULL,
        name text NOT NULL,
        model text,
        quantity int NOT NULL CHECK (quantity >= 1),
        unit_price_minor bigint NOT NULL CHECK (unit_price_minor >= 0),
        price_overridden boolean NOT NULL DEFAULT false,
        discount_thousandths int NOT NULL CHECK (discount_thousandths BETWEEN 0 AND 100000),
        tax_thousandths int NOT NULL CHECK (tax_thousandths BETWEEN 0 AND 100000),
        gross_minor bigint NOT NULL,
        discount_minor bigint NOT NULL,
        net_minor bigint NOT NULL,
        tax_minor bigint NOT NULL,
        total_minor bigint NOT NULL,
        UNIQUE (quote_id, line_no)
      )`);

    await q.query(`CREATE SEQUENCE order_number_seq`);
    await q.query(`
      CREATE TABLE orders (
        id uuid PRIMARY KEY,
        number text NOT NULL UNIQUE,
        status text NOT NULL CHECK (status IN ('placed', 'paid', 'fulfilled', 'cancelled', 'refunded')),
        channel text NOT NULL CHECK (channel IN ('store', 'web', 'phone', 'partner')),
        location text,
        external_order_id text,
        contact_id uuid,
        account_id uuid,
        deal_id uuid,
        quote_id uuid REFERENCES quotes (id),
        currency char(3) NOT NULL,
        currency_digits smallint NOT NULL,
        gross_minor bigint NOT NULL,
        discount_minor bigint NOT NULL,
        net_minor bigint NOT NULL,
        tax_minor bigint NOT NULL,
        total_minor bigint NOT NULL,
        refunded_minor bigint NOT NULL DEFAULT 0,
        placed_at timestamptz NOT NULL,
        paid_at timestamptz,
        fulfilled_at timestamptz,
        cancelled_at timestamptz,
        refunded_at timestamptz,
        billing_name text,
        billing_email text,
        billing_address jsonb,
        idempotency_key text,
        request_hash text NOT NULL,
        version int NOT NULL DEFAULT 1,
        created_by text NOT NULL,
        created_at timestamptz NOT NULL DEFAULT now(),
        updated_at timestamptz NOT NULL DEFAULT now()
      )`);
    // Re-sending the shop's order (same channel, same external id) finds the first one.
    await q.query(
      `CREATE UNIQUE INDEX orders_external_key ON orders (channel, external_order_id) WHERE external_order_id IS NOT NULL`,
    );
    // An Idempotency-Key belongs to the caller that sent it.
    await q.query(
      `CREATE UNIQUE INDEX orders_idempotency_key ON orders (created_by, idempotency_key) WHERE idempotency_key IS NOT NULL`,
    );
    await q.query(`CREATE INDEX orders_placed_idx ON orders (placed_at DESC, id DESC)`);
    await q.query(
      `CREATE INDEX orders_contact_idx ON orders (contact_id, placed_at DESC, id DESC) WHERE contact_id IS NOT NULL`,
    );
    await q.query(
      `CREATE INDEX orders_account_idx ON orders (account_id, placed_at DESC, id DESC) WHERE account_id IS NOT NULL`,
    );
    await q.query(`CREATE INDEX orders_status_idx ON orders (status, placed_at DESC, id DESC)`);
    // Search by number or external id, whole or by prefix.
    await q.query(`CREATE INDEX orders_number_prefix_idx ON orders (lower(number) text_pattern_ops)`);
    await q.query(
      `CREATE INDEX orders_external_prefix_idx ON orders (lower(external_order_id) text_pattern_ops) WHERE external_order_id IS NOT NULL`,
    );
    await q.query(`
      CREATE TABLE order_lines (
        id uuid PRIMARY KEY,
        order_id uuid NOT NULL REFERENCES orders (id) ON DELETE CASCADE,
        line_no int NOT NULL,
        product_id uuid REFERENCES products (id),
        sku text,
        name text NOT NULL,
        model text,
        serial_numbers text[] NOT NULL DEFAULT '{}',
        quantity int NOT NULL CHECK (quantity >= 1),
        unit_price_minor bigint NOT NULL CHECK (unit_price_minor >= 0),
        discount_thousandths int NOT NULL CHECK (discount_thousandths BETWEEN 0 AND 100000),
        tax_thousandths int NOT NULL CHECK (tax_thousandths BETWEEN 0 AND 100000),
        gross_minor bigint NOT NULL,
        discount_minor bigint NOT NULL,
        net_minor bigint NOT NULL,
        tax_minor bigint NOT NULL,
        total_minor bigint NOT NULL,
        refunded_quantity int NOT NULL DEFAULT 0 CHECK (refunded_quantity BETWEEN 0 AND quantity),
        refunded_minor bigint NOT NULL DEFAULT 0 CHECK (refunded_minor BETWEEN 0 AND total_minor),
        UNIQUE (order_id, line_no)
      )`);
    await q.query(`CREATE INDEX order_lines_product_idx ON order_lines (product_id) WHERE product_id IS NOT NULL`);
    await q.query(`
      CREATE TABLE refunds (
        id uuid PRIMARY KEY,
        order_id uuid NOT NULL REFERENCES orders (id) ON DELETE CASCADE,
        amount_minor bigint NOT NULL CHECK (amount_minor >= 0),
        reason text,
        refunded_at timestamptz NOT NULL,
        created_by text NOT NULL
      )`);
    await q.query(`CREATE INDEX refunds_order_idx ON refunds (order_id, refunded_at)`);
    await q.query(`
      CREATE TABLE refund_lines (
        refund_id uuid NOT NULL REFERENCES refunds (id) ON DELETE CASCADE,
        order_line_id uuid NOT NULL REFERENCES order_lines (id) ON DELETE CASCADE,
        quantity int NOT NULL CHECK (quantity >= 1),
        amount_minor bigint NOT NULL CHECK (amount_minor >= 0),
        PRIMARY KEY (refund_id, order_line_id)
      )`);
  }

  async down(q: QueryRunner): Promise<void> {
    for (const t of [
      'refund_lines',
      'refunds',
      'order_lines',
      'orders',
      'quote_lines',
      'quotes',
      'price_book_prices',
      'price_books',
      'products',
    ])
      await q.query(`DROP TABLE ${t}`);
    await q.query(`DROP SEQUENCE order_number_seq`);
    await q.query(`DROP SEQUENCE quote_number_seq`);
  }
}
