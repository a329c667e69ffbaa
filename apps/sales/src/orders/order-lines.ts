import type { EntityManager } from 'typeorm';
import { validationFailed, type FieldProblem } from '@crm/platform';
import {
  AmountTooLargeError,
  lineAmounts,
  percentToThousandths,
  sumAmounts,
  type Amounts,
} from '../price-books/line-totals';
import { priceBookFor, pricesOf } from '../price-books/price-books.service';
import { productsByIds } from '../products/products.service';
import type { ProductRow } from '../products/product-view';
import { salesError } from '../shared/sales-errors';
import type { OrderLineDto } from './dto/order.dto';

/** A line ready to store: what it sells, its price terms and its amounts. */
export interface PricedLine extends Amounts {
  lineNo: number;
  productId: string | null;
  sku: string | null;
  name: string;
  model: string | null;
  serialNumbers: string[];
  quantity: number;
  unitPriceMinor: number;
  discountThousandths: number;
  taxThousandths: number;
}

/** The amounts of each line, or a 400 naming the line whose amount is too large to carry. */
export function amountsOrRefuse(
  lines: { quantity: number; unitPriceMinor: number; discountPercent: number; taxRatePercent: number }[],
  field = 'lines',
): { perLine: Amounts[]; totals: Amounts } {
  const perLine = lines.map((l, i) => {
    try {
      return lineAmounts(l);
    } catch (error) {
      if (error instanceof AmountTooLargeError)
        throw validationFailed([
          { field: `${field}.${i}.quantity`, message: 'makes a line amount too large to carry' },
        ]);
      throw error;
    }
  });
  try {
    return { perLine, totals: sumAmounts(perLine) };
  } catch (error) {
    if (error instanceof AmountTooLargeError)
      throw validationFailed([{ field, message: 'add up to a total too large to carry' }]);
    throw error;
  }
}

async function productsBySku(m: EntityManager, skus: string[]): Promise<Map<string, ProductRow>> {
  if (!skus.length) return new Map();
  const rows: ProductRow[] = await m.query(
    `SELECT id, sku, name, model, category, unit, active, version, created_at, updated_at
       FROM products WHERE lower(sku) = ANY($1::text[])`,
    [skus.map((s) => s.toLowerCase())],
  );
  return new Map(rows.map((r) => [r.sku.toLowerCase(), r]));
}

/**
 * An order's lines as sold: a line names a catalogue product by id or SKU
 * (its name and model come from the product unless given), or is free text
 * (an SKU the catalogue does not know, with a name). Its price is the one sent
 * (the shop's or the till's) or else the product's in the currency's default
 * price book on the day it was placed. An inactive product may still be sold
 * on an order (stock of a retired model); quotes refuse it.
 */
export async function priceOrderLines(
  m: EntityManager,
  lines: OrderLineDto[],
  currency: string,
  placedDay: string,
): Promise<PricedLine[]> {
  const problems: FieldProblem[] = [];
  const byId = await productsByIds(
    m,
    lines.flatMap((l) => (l.productId ? [l.productId] : [])),
  );
  const bySku = await productsBySku(
    m,
    lines.flatMap((l) => (!l.productId && l.sku ? [l.sku] : [])),
  );
  const products = lines.map((l, i) => {
    if (l.serialNumbers && l.serialNumbers.length > l.quantity)
      problems.push({ field: `lines.${i}.serialNumbers`, message: 'has more serial numbers than units' });
    if (l.productId) {
      const p = byId.get(l.productId);
      if (!p) problems.push({ field: `lines.${i}.productId`, message: 'is not a product' });
      return p ?? null;
    }
    const p = l.sku ? bySku.get(l.sku.toLowerCase()) : undefined;
    if (!p && !l.name)
      problems.push({
        field: l.sku ? `lines.${i}.name` : `lines.${i}.productId`,
        message: l.sku ? 'is needed for an SKU the catalogue does not know' : 'or sku or name is needed',
      });
    return p ?? null;
  });
  if (problems.length) throw validationFailed(problems);

  const unpriced = lines.flatMap((l, i) => (l.unitPriceMinor === undefined ? [i] : []));
  const prices = new Map<string, number>();
  if (unpriced.length) {
    const book = await priceBookFor(m, currency, placedDay, undefined);
    const ids = unpriced.flatMap((i) => (products[i] ? [products[i].id] : []));
    if (book) for (const [id, price] of await pricesOf(m, book.id, ids)) prices.set(id, price);
    for (const i of unpriced) {
      const p = products[i];
      if (!p || !prices.has(p.id))
        problems.push({
          field: `lines.${i}.unitPriceMinor`,
          message: p ? `is needed: the default ${currency} price book has no price for ${p.sku}` : 'is needed',
        });
    }
    if (problems.length) throw salesError('PRICE_NOT_FOUND', 'Some lines have no price', { errors: problems });
  }

  const terms = lines.map((l, i) => ({
    quantity: l.quantity,
    unitPriceMinor: l.unitPriceMinor ?? prices.get(products[i]?.id ?? '') ?? 0,
    discountPercent: l.discountPercent ?? 0,
    taxRatePercent: l.taxRatePercent ?? 0,
  }));
  const { perLine } = amountsOrRefuse(terms);
  return lines.map((l, i) => {
    const p = products[i];
    return {
      lineNo: i + 1,
      productId: p?.id ?? null,
      sku: p?.sku ?? l.sku ?? null,
      name: l.name?.trim() ?? p?.name ?? '',
      model: l.model ?? p?.model ?? null,
      serialNumbers: l.serialNumbers ?? [],
      quantity: l.quantity,
      unitPriceMinor: terms[i].unitPriceMinor,
      discountThousandths: percentToThousandths(terms[i].discountPercent) ?? 0,
      taxThousandths: percentToThousandths(terms[i].taxRatePercent) ?? 0,
      ...perLine[i],
    };
  });
}
