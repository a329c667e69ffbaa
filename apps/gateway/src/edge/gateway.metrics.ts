import { Counter, Histogram } from 'prom-client';
import { metricsRegistry } from '@crm/platform';

export const gatewayMetrics = {
  forwarded: new Histogram({
    name: 'gateway_forwarded_requests_seconds',
    help: 'Requests forwarded to a service, by service and status, until the answer was sent',
    labelNames: ['service', 'status'],
    buckets: [0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10],
    registers: [metricsRegistry],
  }),
  refused: new Counter({
    name: 'gateway_refused_requests_total',
    help: 'Requests the gateway answered itself, by reason (unauthenticated, forbidden, rate_limited, too_large)',
    labelNames: ['reason'],
    registers: [metricsRegistry],
  }),
  apiKeyLookups: new Counter({
    name: 'gateway_api_key_lookups_total',
    help: 'API keys looked up in the database (neither cached nor remembered as unknown)',
    registers: [metricsRegistry],
  }),
};
