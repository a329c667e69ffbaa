import type { SalesProductPayload } from '@crm/contracts';

export interface ProductRow {
  id: string;
  sku: string;
  name: string;
  model: string | null;
  category: string | null;
  unit: string;
  active: boolean;
  version: number;
  created_at: Date;
  updated_at: Date;
}

export const PRODUCT_COLUMNS = 'id, sku, name, model, category, unit, active, version, created_at, updated_at';

/** The product as answered and as published (the same shape). */
export type ProductView = SalesProductPayload;

export function productView(r: ProductRow): ProductView {
  return {
    id: r.id,
    version: r.version,
    sku: r.sku,
    name: r.name,
    model: r.model,
    category: r.category,
    unit: r.unit,
    active: r.active,
    createdAt: r.created_at.toISOString(),
    updatedAt: r.updated_at.toISOString(),
  };
}
