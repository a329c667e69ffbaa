import type { SupportAssetPayload } from '@crm/contracts';

export interface AssetRow {
  id: string;
  contact_id: string | null;
  account_id: string | null;
  order_id: string;
  order_line_id: string;
  unit_no: number;
  product_id: string | null;
  sku: string | null;
  model: string;
  serial_number: string | null;
  bought_at: Date;
  channel: string;
  warranty_ends_at: Date | null;
  status: 'active' | 'retired';
  retired_reason: 'cancelled' | 'refunded' | null;
  retired_at: Date | null;
  version: number;
}

export function toAssetPayload(a: AssetRow): SupportAssetPayload {
  return {
    id: a.id,
    version: a.version,
    status: a.status,
    contactId: a.contact_id,
    accountId: a.account_id,
    orderId: a.order_id,
    orderLineId: a.order_line_id,
    productId: a.product_id,
    sku: a.sku,
    model: a.model,
    serialNumber: a.serial_number,
    boughtAt: new Date(a.bought_at).toISOString(),
    channel: a.channel,
    warrantyEndsAt: a.warranty_ends_at ? new Date(a.warranty_ends_at).toISOString() : null,
    retiredReason: a.retired_reason,
  };
}

export const toAssetView = (a: AssetRow) => ({
  ...toAssetPayload(a),
  unitNo: a.unit_no,
  underWarranty: !!a.warranty_ends_at && new Date(a.warranty_ends_at).getTime() > Date.now() && a.status === 'active',
  retiredAt: a.retired_at ? new Date(a.retired_at).toISOString() : null,
});
