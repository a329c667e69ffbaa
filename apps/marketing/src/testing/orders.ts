import { uuidv7 } from '@crm/persistence';

/** A sales order event's data as sales publishes it (SalesOrderPayload), with the fields a spec varies. */
export function orderData(
  contactId: string,
  o: {
    id?: string;
    status?: string;
    totalMinor?: number;
    placedAt?: string;
    productId?: string;
    sku?: string;
    couponCodes?: string[];
    currency?: string;
  } = {},
): Record<string, unknown> {
  const total = o.totalMinor ?? 10_000;
  return {
    id: o.id ?? uuidv7(),
    version: 1,
    number: 'SO-000001',
    status: o.status ?? 'placed',
    channel: 'web',
    location: null,
    externalOrderId: null,
    contactId,
    accountId: null,
    dealId: null,
    quoteId: null,
    currency: o.currency ?? 'EUR',
    currencyDigits: 2,
    grossMinor: total,
    discountMinor: 0,
    netMinor: total,
    taxMinor: 0,
    totalMinor: total,
    refundedMinor: 0,
    lines: [
      {
        id: uuidv7(),
        lineNo: 1,
        productId: o.productId ?? uuidv7(),
        sku: o.sku ?? 'SKU-1',
        name: 'Thing',
        model: null,
        serialNumbers: [],
        quantity: 1,
        unitPriceMinor: total,
        discountPercent: 0,
        taxRatePercent: 0,
        grossMinor: total,
        discountMinor: 0,
        netMinor: total,
        taxMinor: 0,
        totalMinor: total,
        refundedQuantity: 0,
        refundedMinor: 0,
      },
    ],
    ...(o.couponCodes ? { couponCodes: o.couponCodes } : {}),
    placedAt: o.placedAt ?? new Date().toISOString(),
    paidAt: null,
    fulfilledAt: null,
    cancelledAt: null,
    refundedAt: null,
    createdAt: new Date().toISOString(),
    updatedAt: new Date().toISOString(),
  };
}

export const daysAgo = (n: number) => new Date(Date.now() - n * 86_400_000).toISOString();
