export * from './analytics/analytics.rpc';
