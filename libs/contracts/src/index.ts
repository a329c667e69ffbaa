export * from './analytics/analytics.events';
export * from './analytics/analytics.rpc';
export * from './contacts/contacts.events';
export * from './contacts/contacts.rpc';
export * from './erasure/erasure.events';
export * from './sales/sales-orders.events';
export * from './sales/sales.events';
export * from './sales/sales.rpc';
