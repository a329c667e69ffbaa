export * from './analytics/analytics.rpc';
export * from './contacts/contacts.events';
export * from './contacts/contacts.rpc';
