import { isServiceName } from '../erasure/erasure.events';
import { SALES_CHANNELS, SALES_ORDERS_EVENTS, SALES_ORDER_STATUSES, SALES_QUOTE_STATUSES } from './sales-orders.events';

describe('sales order events', () => {
  const types = Object.values(SALES_ORDERS_EVENTS);

  it('name each type crm.sales.<entity>.<past-tense verb>, on the CRM_SALES stream', () => {
    for (const type of types) expect(type).toMatch(/^crm\.sales\.(product|quote|order)\.(sent|paid|[a-z]+ed)$/);
    expect(isServiceName('sales')).toBe(true);
  });

  it('give every event its own type', () => {
    expect(new Set(types).size).toBe(types.length);
  });

  it('list the channels, quote statuses and order statuses the payloads use', () => {
    expect(SALES_CHANNELS).toEqual(['store', 'web', 'phone', 'partner']);
    expect(SALES_QUOTE_STATUSES).toEqual(['draft', 'sent', 'accepted', 'rejected', 'expired']);
    expect(SALES_ORDER_STATUSES).toEqual(['placed', 'paid', 'fulfilled', 'cancelled', 'refunded']);
  });
});
