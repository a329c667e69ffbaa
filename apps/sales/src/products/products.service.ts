import { Injectable } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import type { DataSource, EntityManager } from 'typeorm';
import { SALES_ORDERS_EVENTS } from '@crm/contracts';
import { EventPublisher } from '@crm/messaging';
import { decodeCursor, encodeCursor, inTransaction, isUuid, uuidv7 } from '@crm/persistence';
import { validationFailed, type Page } from '@crm/platform';
import { salesError } from '../shared/sales-errors';
import type { CreateProductDto, ProductListQuery, UpdateProductDto } from './dto/product.dto';
import { PRODUCT_COLUMNS, productView, type ProductRow, type ProductView } from './product-view';

const UNIQUE_VIOLATION = '23505';

function isUniqueViolation(error: unknown): boolean {
  return (error as { code?: string } | null)?.code === UNIQUE_VIOLATION;
}

function skuTaken(sku: string) {
  return salesError('PRODUCT_SKU_TAKEN', `Another product has the SKU ${sku}`, {
    errors: [{ field: 'sku', message: 'is the SKU of another product' }],
  });
}

export function productNotFound(id: string) {
  return salesError('PRODUCT_NOT_FOUND', `No product ${id}`);
}

/**
 * Products by id. `lock` takes them FOR SHARE, so a product cannot be
 * deactivated between the check of a quote line and its commit.
 */
export async function productsByIds(m: EntityManager, ids: string[], lock = false): Promise<Map<string, ProductRow>> {
  if (ids.length === 0) return new Map();
  const rows: ProductRow[] = await m.query(
    `SELECT ${PRODUCT_COLUMNS} FROM products WHERE id = ANY($1::uuid[]) ${lock ? 'FOR SHARE' : ''}`,
    [ids],
  );
  return new Map(rows.map((r) => [r.id, r]));
}

@Injectable()
export class ProductsService {
  constructor(
    @InjectDataSource() private readonly dataSource: DataSource,
    private readonly events: EventPublisher,
  ) {}

  create(dto: CreateProductDto): Promise<ProductView> {
    return inTransaction(this.dataSource, async (m) => {
      let rows: ProductRow[];
      try {
        rows = await m.query(
          `INSERT INTO products (id, sku, name, model, category, unit, active) VALUES ($1, $2, $3, $4, $5, $6, $7)
           ON CONFLICT ((lower(sku))) DO NOTHING RETURNING ${PRODUCT_COLUMNS}`,
          [
            uuidv7(),
            dto.sku,
            dto.name.trim(),
            dto.model ?? null,
            dto.category ?? null,
            dto.unit?.trim() ?? 'each',
            dto.active ?? true,
          ],
        );
      } catch (error) {
        if (isUniqueViolation(error)) throw skuTaken(dto.sku);
        throw error;
      }
      if (!rows.length) throw skuTaken(dto.sku);
      return this.publish(m, rows[0], SALES_ORDERS_EVENTS.productCreated);
    });
  }

  async get(id: string): Promise<ProductView> {
    const rows: ProductRow[] = await this.dataSource.query(`SELECT ${PRODUCT_COLUMNS} FROM products WHERE id = $1`, [
      id,
    ]);
    if (!rows.length) throw productNotFound(id);
    return productView(rows[0]);
  }

  update(id: string, dto: UpdateProductDto, expectedVersion?: number): Promise<ProductView> {
    for (const field of ['sku', 'name', 'unit', 'active'] as const)
      if (dto[field] === null) throw validationFailed([{ field, message: 'cannot be cleared' }]);
    return inTransaction(this.dataSource, async (m) => {
      const current: ProductRow[] = await m.query(`SELECT ${PRODUCT_COLUMNS} FROM products WHERE id = $1 FOR UPDATE`, [
        id,
      ]);
      if (!current.length) throw productNotFound(id);
      const p = current[0];
      if (expectedVersion !== undefined && expectedVersion !== p.version)
        throw salesError('VERSION_CONFLICT', `Product ${id} is at version ${p.version}, not ${expectedVersion}`, {
          currentVersion: p.version,
        });
      const next = {
        sku: dto.sku ?? p.sku,
        name: dto.name?.trim() ?? p.name,
        model: dto.model === undefined ? p.model : dto.model,
        category: dto.category === undefined ? p.category : dto.category,
        unit: dto.unit?.trim() ?? p.unit,
        active: dto.active ?? p.active,
      };
      let rows: ProductRow[];
      try {
        // TypeORM answers an UPDATE with [rows, count].
        [rows] = await m.query(
          `UPDATE products SET sku = $2, name = $3, model = $4, category = $5, unit = $6, active = $7,
                  version = version + 1, updated_at = now()
            WHERE id = $1 RETURNING ${PRODUCT_COLUMNS}`,
          [id, next.sku, next.name, next.model, next.category, next.unit, next.active],
        );
      } catch (error) {
        if (isUniqueViolation(error)) throw skuTaken(next.sku);
        throw error;
      }
      return this.publish(m, rows[0], SALES_ORDERS_EVENTS.productUpdated);
    });
  }

  async list(query: ProductListQuery): Promise<Page<ProductView>> {
    const limit = query.limit ?? 50;
    let after: string | null = null;
    if (query.cursor) {
      const [value] = decodeCursor(query.cursor, 1);
      if (typeof value !== 'string' || !isUuid(value))
        throw salesError('CURSOR_INVALID', 'The cursor is not valid', {
          errors: [{ field: 'cursor', message: 'is not a cursor of this listing' }],
        });
      after = value;
    }
    const like = query.q ? `%${query.q.replace(/[%_\\]/g, '\\$&')}%` : null;
    const rows: ProductRow[] = await this.dataSource.query(
      `SELECT ${PRODUCT_COLUMNS} FROM products
        WHERE ($1::uuid IS NULL OR id < $1)
          AND ($2::text IS NULL OR (sku || ' ' || name) ILIKE $2)
          AND ($3::text IS NULL OR category = $3)
          AND ($4::boolean IS NULL OR active = $4)
        ORDER BY id DESC LIMIT $5`,
      [after, like, query.category ?? null, query.active === undefined ? null : query.active === 'true', limit + 1],
    );
    const items = rows.slice(0, limit).map(productView);
    return { items, nextCursor: rows.length > limit ? encodeCursor([items[items.length - 1].id]) : null };
  }

  private async publish(m: EntityManager, row: ProductRow, type: string): Promise<ProductView> {
    const view = productView(row);
    await this.events.publish(m, { type, subject: view.id, version: view.version, data: view });
    return view;
  }
}
