import type { EntityManager } from 'typeorm';
import { validationFailed, type FieldProblem } from '@crm/platform';
import { amountsOrRefuse, type PricedLine } from '../orders/order-lines';
import { percentToThousandths } from '../price-books/line-totals';
import { priceBookFor, pricesOf } from '../price-books/price-books.service';
import { productsByIds } from '../products/products.service';
import { salesError } from '../shared/sales-errors';
import type { QuoteLineDto } from './dto/quote.dto';

export interface PricedQuoteLine extends PricedLine {
  productId: string;
  sku: string;
  priceOverridden: boolean;
}

/**
 * A quote's lines: each names an active product; its unit price is the one
 * given on the line (an override) or else the product's in the price book.
 * The products are read FOR SHARE, so none is deactivated before the quote commits.
 */
export async function priceQuoteLines(
  m: EntityManager,
  lines: QuoteLineDto[],
  currency: string,
  day: string,
  priceBookId: string | undefined,
): Promise<{ lines: PricedQuoteLine[]; priceBookId: string | null }> {
  const products = await productsByIds(
    m,
    lines.map((l) => l.productId),
    true,
  );
  const missing: FieldProblem[] = [];
  const inactive: FieldProblem[] = [];
  lines.forEach((l, i) => {
    const p = products.get(l.productId);
    if (!p) missing.push({ field: `lines.${i}.productId`, message: 'is not a product' });
    else if (!p.active) inactive.push({ field: `lines.${i}.productId`, message: `is ${p.sku}, which is inactive` });
  });
  if (missing.length) throw validationFailed(missing);
  if (inactive.length)
    throw salesError('PRODUCT_INACTIVE', 'An inactive product cannot go on a quote', { errors: inactive });

  const book = await priceBookFor(m, currency, day, priceBookId);
  const prices = book
    ? await pricesOf(
        m,
        book.id,
        lines.map((l) => l.productId),
      )
    : new Map<string, number>();
  const unpriced: FieldProblem[] = lines.flatMap((l, i) =>
    l.unitPriceMinor === undefined && !prices.has(l.productId)
      ? [
          {
            field: `lines.${i}.unitPriceMinor`,
            message: book
              ? `is needed: price book ${book.name} has no price for ${products.get(l.productId)?.sku}`
              : `is needed: there is no ${currency} price book`,
          },
        ]
      : [],
  );
  if (unpriced.length) throw salesError('PRICE_NOT_FOUND', 'Some lines have no price', { errors: unpriced });

  const terms = lines.map((l) => ({
    quantity: l.quantity,
    unitPriceMinor: l.unitPriceMinor ?? prices.get(l.productId) ?? 0,
    discountPercent: l.discountPercent ?? 0,
    taxRatePercent: l.taxRatePercent ?? 0,
  }));
  const { perLine } = amountsOrRefuse(terms);
  return {
    priceBookId: book?.id ?? null,
    lines: lines.map((l, i) => {
      const p = products.get(l.productId);
      return {
        lineNo: i + 1,
        productId: l.productId,
        sku: p?.sku ?? '',
        name: p?.name ?? '',
        model: p?.model ?? null,
        serialNumbers: [],
        quantity: l.quantity,
        unitPriceMinor: terms[i].unitPriceMinor,
        priceOverridden: l.unitPriceMinor !== undefined,
        discountThousandths: percentToThousandths(terms[i].discountPercent) ?? 0,
        taxThousandths: percentToThousandths(terms[i].taxRatePercent) ?? 0,
        ...perLine[i],
      };
    }),
  };
}
