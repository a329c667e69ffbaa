import { SALES_ORDER_STATUSES, type SalesOrderStatus } from '@crm/contracts';
import { canMoveOrder, INITIAL_ORDER_STATUSES, isRefundable } from './order-status';

describe('order status machine', () => {
  const allowed: [SalesOrderStatus, SalesOrderStatus][] = [
    ['placed', 'paid'],
    ['placed', 'cancelled'],
    ['paid', 'fulfilled'],
    ['paid', 'refunded'],
    ['fulfilled', 'refunded'],
  ];

  it.each(allowed)('moves a %s order to %s', (from, to) => expect(canMoveOrder(from, to)).toBe(true));

  it('refuses every other move (a paid order is refunded, not cancelled; final states stay final)', () => {
    for (const from of SALES_ORDER_STATUSES)
      for (const to of SALES_ORDER_STATUSES)
        if (!allowed.some(([f, t]) => f === from && t === to))
          expect([from, to, canMoveOrder(from, to)]).toEqual([from, to, false]);
  });

  it('refunds paid and fulfilled orders only, and imports orders as placed, paid or fulfilled', () => {
    expect(SALES_ORDER_STATUSES.filter(isRefundable)).toEqual(['paid', 'fulfilled']);
    expect(INITIAL_ORDER_STATUSES).toEqual(['placed', 'paid', 'fulfilled']);
  });
});
