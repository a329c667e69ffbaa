import type { SalesOrderStatus } from '@crm/contracts';

/**
 * The order lifecycle: placed -> paid -> fulfilled; a placed (unpaid) order
 * can be cancelled; a paid or fulfilled order is refunded instead, by line,
 * in as many partial refunds as needed: it keeps its status until every unit
 * is refunded, then becomes `refunded`. cancelled and refunded are final.
 * An imported order may start as placed, paid or fulfilled (a till sale is
 * paid and handed over at once).
 */
const NEXT: Record<SalesOrderStatus, readonly SalesOrderStatus[]> = {
  placed: ['paid', 'cancelled'],
  paid: ['fulfilled', 'refunded'],
  fulfilled: ['refunded'],
  cancelled: [],
  refunded: [],
};

export const INITIAL_ORDER_STATUSES: readonly SalesOrderStatus[] = ['placed', 'paid', 'fulfilled'];

/** The transitions a client asks for by name; `refunded` only comes from refunds. */
export const ORDER_ACTIONS = { pay: 'paid', fulfil: 'fulfilled', cancel: 'cancelled' } as const;
export type OrderAction = keyof typeof ORDER_ACTIONS;

export function canMoveOrder(from: SalesOrderStatus, to: SalesOrderStatus): boolean {
  return NEXT[from].includes(to);
}

export function nextOrderStatuses(from: SalesOrderStatus): readonly SalesOrderStatus[] {
  return NEXT[from];
}

/** Whether lines of an order in this status can be refunded. */
export function isRefundable(status: SalesOrderStatus): boolean {
  return status === 'paid' || status === 'fulfilled';
}
