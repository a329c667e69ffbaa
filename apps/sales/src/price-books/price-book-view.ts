export interface PriceBookRow {
  id: string;
  name: string;
  currency: string;
  valid_from: string | null;
  valid_to: string | null;
  is_default: boolean;
  version: number;
  created_at: Date;
  updated_at: Date;
}

export const PRICE_BOOK_COLUMNS = `id, name, currency, to_char(valid_from, 'YYYY-MM-DD') AS valid_from,
  to_char(valid_to, 'YYYY-MM-DD') AS valid_to, is_default, version, created_at, updated_at`;

export interface PriceBookView {
  id: string;
  version: number;
  name: string;
  currency: string;
  validFrom: string | null;
  validTo: string | null;
  isDefault: boolean;
  createdAt: string;
  updatedAt: string;
}

export function priceBookView(r: PriceBookRow): PriceBookView {
  return {
    id: r.id,
    version: r.version,
    name: r.name,
    currency: r.currency,
    validFrom: r.valid_from,
    validTo: r.valid_to,
    isDefault: r.is_default,
    createdAt: r.created_at.toISOString(),
    updatedAt: r.updated_at.toISOString(),
  };
}

export interface PriceView {
  productId: string;
  sku: string;
  name: string;
  unitPriceMinor: number;
  updatedAt: string;
}

/** Whether the book is valid on `day` (YYYY-MM-DD): both ends included, an open end is no limit. */
export function isValidOn(book: Pick<PriceBookRow, 'valid_from' | 'valid_to'>, day: string): boolean {
  return (book.valid_from === null || book.valid_from <= day) && (book.valid_to === null || day <= book.valid_to);
}
