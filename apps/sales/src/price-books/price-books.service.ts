import { Injectable } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import type { DataSource, EntityManager } from 'typeorm';
import { decodeCursor, encodeCursor, inTransaction, isUuid, uuidv7 } from '@crm/persistence';
import { validationFailed, type Page, type PageQueryDto } from '@crm/platform';
import { productNotFound } from '../products/products.service';
import { salesError } from '../shared/sales-errors';
import type { CreatePriceBookDto, PriceBookListQuery, UpdatePriceBookDto } from './dto/price-book.dto';
import {
  isValidOn,
  PRICE_BOOK_COLUMNS,
  priceBookView,
  type PriceBookRow,
  type PriceBookView,
  type PriceView,
} from './price-book-view';

function notFound(id: string) {
  return salesError('PRICE_BOOK_NOT_FOUND', `No price book ${id}`);
}

function nameTaken(name: string) {
  return salesError('PRICE_BOOK_NAME_TAKEN', `Another price book is called ${name}`, {
    errors: [{ field: 'name', message: 'is the name of another price book' }],
  });
}

function badCursor() {
  return salesError('CURSOR_INVALID', 'The cursor is not valid', {
    errors: [{ field: 'cursor', message: 'is not a cursor of this listing' }],
  });
}

function checkDates(from: string | null, to: string | null): void {
  if (from !== null && to !== null && to < from)
    throw validationFailed([{ field: 'validTo', message: 'must not be before validFrom' }]);
}

async function lockBook(m: EntityManager, id: string): Promise<PriceBookRow> {
  const rows: PriceBookRow[] = await m.query(`SELECT ${PRICE_BOOK_COLUMNS} FROM price_books WHERE id = $1 FOR UPDATE`, [
    id,
  ]);
  if (!rows.length) throw notFound(id);
  return rows[0];
}

/**
 * The book a quote in `currency` prices from on `day`: the one asked for (it
 * must be in that currency and valid that day) or else the currency's default
 * (null when the currency has no book: every line then needs its own price).
 */
export async function priceBookFor(
  m: EntityManager,
  currency: string,
  day: string,
  priceBookId: string | undefined,
  field = 'priceBookId',
): Promise<PriceBookRow | null> {
  const rows: PriceBookRow[] = priceBookId
    ? await m.query(`SELECT ${PRICE_BOOK_COLUMNS} FROM price_books WHERE id = $1`, [priceBookId])
    : await m.query(`SELECT ${PRICE_BOOK_COLUMNS} FROM price_books WHERE currency = $1 AND is_default`, [currency]);
  const book = rows[0];
  if (!book) {
    if (priceBookId)
      throw salesError('PRICE_BOOK_NOT_FOUND', `No price book ${priceBookId}`, {
        errors: [{ field, message: 'is not a price book' }],
      });
    return null;
  }
  if (book.currency !== currency)
    throw salesError('PRICE_BOOK_CURRENCY_MISMATCH', `Price book ${book.id} is in ${book.currency}, not ${currency}`, {
      errors: [{ field, message: `is a price book in ${book.currency}, not ${currency}` }],
    });
  if (!isValidOn(book, day))
    throw salesError('PRICE_BOOK_NOT_VALID', `Price book ${book.id} is not valid on ${day}`, {
      errors: [{ field, message: `is valid ${book.valid_from ?? '…'} to ${book.valid_to ?? '…'}, not on ${day}` }],
    });
  return book;
}

/** The book's unit prices of the products, by product id (products without a price are absent). */
export async function pricesOf(
  m: EntityManager,
  priceBookId: string,
  productIds: string[],
): Promise<Map<string, number>> {
  const rows: { product_id: string; unit_price_minor: string }[] = await m.query(
    `SELECT product_id, unit_price_minor FROM price_book_prices WHERE price_book_id = $1 AND product_id = ANY($2::uuid[])`,
    [priceBookId, productIds],
  );
  return new Map(rows.map((r) => [r.product_id, Number(r.unit_price_minor)]));
}

@Injectable()
export class PriceBooksService {
  constructor(@InjectDataSource() private readonly dataSource: DataSource) {}

  create(dto: CreatePriceBookDto): Promise<PriceBookView> {
    checkDates(dto.validFrom ?? null, dto.validTo ?? null);
    return inTransaction(this.dataSource, async (m) => {
      // One book of a currency at a time decides who is its default.
      await m.query(`SELECT pg_advisory_xact_lock(hashtext('sales.price_books.' || $1))`, [dto.currency]);
      const { n } = (
        await m.query(`SELECT count(*)::int AS n FROM price_books WHERE currency = $1 AND is_default`, [dto.currency])
      )[0] as { n: number };
      const isDefault = dto.isDefault === true || n === 0;
      if (isDefault) await m.query(`UPDATE price_books SET is_default = false WHERE currency = $1`, [dto.currency]);
      const rows: PriceBookRow[] = await m.query(
        `INSERT INTO price_books (id, name, currency, valid_from, valid_to, is_default) VALUES ($1, $2, $3, $4, $5, $6)
         ON CONFLICT ((lower(name))) DO NOTHING RETURNING ${PRICE_BOOK_COLUMNS}`,
        [uuidv7(), dto.name.trim(), dto.currency, dto.validFrom ?? null, dto.validTo ?? null, isDefault],
      );
      if (!rows.length) throw nameTaken(dto.name.trim());
      return priceBookView(rows[0]);
    });
  }

  async get(id: string): Promise<PriceBookView> {
    const rows: PriceBookRow[] = await this.dataSource.query(
      `SELECT ${PRICE_BOOK_COLUMNS} FROM price_books WHERE id = $1`,
      [id],
    );
    if (!rows.length) throw notFound(id);
    return priceBookView(rows[0]);
  }

  update(id: string, dto: UpdatePriceBookDto, expectedVersion?: number): Promise<PriceBookView> {
    if (dto.name === null) throw validationFailed([{ field: 'name', message: 'cannot be cleared' }]);
    return inTransaction(this.dataSource, async (m) => {
      const current = await lockBook(m, id);
      await m.query(`SELECT pg_advisory_xact_lock(hashtext('sales.price_books.' || $1))`, [current.currency]);
      if (expectedVersion !== undefined && expectedVersion !== current.version)
        throw salesError(
          'VERSION_CONFLICT',
          `Price book ${id} is at version ${current.version}, not ${expectedVersion}`,
          {
            currentVersion: current.version,
          },
        );
      if (dto.isDefault === false && current.is_default)
        throw salesError(
          'PRICE_BOOK_DEFAULT_REQUIRED',
          `${current.currency} needs a default price book: make another one the default instead`,
          { errors: [{ field: 'isDefault', message: 'make another book of the currency the default instead' }] },
        );
      const validFrom = dto.validFrom === undefined ? current.valid_from : dto.validFrom;
      const validTo = dto.validTo === undefined ? current.valid_to : dto.validTo;
      checkDates(validFrom, validTo);
      if (dto.isDefault === true && !current.is_default)
        await m.query(`UPDATE price_books SET is_default = false WHERE currency = $1 AND is_default`, [
          current.currency,
        ]);
      const name = dto.name?.trim() ?? current.name;
      const taken: unknown[] = await m.query(`SELECT 1 FROM price_books WHERE lower(name) = lower($1) AND id <> $2`, [
        name,
        id,
      ]);
      if (taken.length) throw nameTaken(name);
      const [rows]: [PriceBookRow[], number] = await m.query(
        `UPDATE price_books SET name = $2, valid_from = $3, valid_to = $4, is_default = $5 OR is_default,
                version = version + 1, updated_at = now()
          WHERE id = $1 RETURNING ${PRICE_BOOK_COLUMNS}`,
        [id, name, validFrom, validTo, dto.isDefault === true],
      );
      return priceBookView(rows[0]);
    });
  }

  async list(query: PriceBookListQuery): Promise<Page<PriceBookView>> {
    const limit = query.limit ?? 50;
    let after: string | null = null;
    if (query.cursor) {
      const [value] = decodeCursor(query.cursor, 1);
      if (typeof value !== 'string' || !isUuid(value)) throw badCursor();
      after = value;
    }
    const rows: PriceBookRow[] = await this.dataSource.query(
      `SELECT ${PRICE_BOOK_COLUMNS} FROM price_books
        WHERE ($1::uuid IS NULL OR id < $1) AND ($2::text IS NULL OR currency = $2)
        ORDER BY id DESC LIMIT $3`,
      [after, query.currency ?? null, limit + 1],
    );
    const items = rows.slice(0, limit).map(priceBookView);
    return { items, nextCursor: rows.length > limit ? encodeCursor([items[items.length - 1].id]) : null };
  }

  setPrice(id: string, productId: string, unitPriceMinor: number): Promise<PriceView> {
    return inTransaction(this.dataSource, async (m) => {
      await lockBook(m, id);
      const product: { sku: string; name: string }[] = await m.query(`SELECT sku, name FROM products WHERE id = $1`, [
        productId,
      ]);
      if (!product.length) throw productNotFound(productId);
      const rows: { updated_at: Date }[] = await m.query(
        `INSERT INTO price_book_prices (price_book_id, product_id, unit_price_minor) VALUES ($1, $2, $3)
         ON CONFLICT (price_book_id, product_id) DO UPDATE SET unit_price_minor = EXCLUDED.unit_price_minor, updated_at = now()
         RETURNING updated_at`,
        [id, productId, unitPriceMinor],
      );
      await m.query(`UPDATE price_books SET version = version + 1, updated_at = now() WHERE id = $1`, [id]);
      return { productId, ...product[0], unitPriceMinor, updatedAt: rows[0].updated_at.toISOString() };
    });
  }

  removePrice(id: string, productId: string): Promise<void> {
    return inTransaction(this.dataSource, async (m) => {
      await lockBook(m, id);
      const [, removed] = (await m.query(`DELETE FROM price_book_prices WHERE price_book_id = $1 AND product_id = $2`, [
        id,
        productId,
      ])) as [unknown[], number];
      if (!removed) throw salesError('PRICE_NOT_FOUND', `Price book ${id} has no price for product ${productId}`);
      await m.query(`UPDATE price_books SET version = version + 1, updated_at = now() WHERE id = $1`, [id]);
    });
  }

  async prices(id: string, page: PageQueryDto): Promise<Page<PriceView>> {
    await this.get(id);
    const limit = page.limit ?? 50;
    let after: string | null = null;
    if (page.cursor) {
      const [value] = decodeCursor(page.cursor, 1);
      if (typeof value !== 'string' || !isUuid(value)) throw badCursor();
      after = value;
    }
    const rows: { product_id: string; sku: string; name: string; unit_price_minor: string; updated_at: Date }[] =
      await this.dataSource.query(
        `SELECT pp.product_id, p.sku, p.name, pp.unit_price_minor, pp.updated_at
           FROM price_book_prices pp JOIN products p ON p.id = pp.product_id
          WHERE pp.price_book_id = $1 AND ($2::uuid IS NULL OR pp.product_id > $2)
          ORDER BY pp.product_id LIMIT $3`,
        [id, after, limit + 1],
      );
    const items = rows.slice(0, limit).map((r) => ({
      productId: r.product_id,
      sku: r.sku,
      name: r.name,
      unitPriceMinor: Number(r.unit_price_minor),
      updatedAt: r.updated_at.toISOString(),
    }));
    return { items, nextCursor: rows.length > limit ? encodeCursor([items[items.length - 1].productId]) : null };
  }
}
