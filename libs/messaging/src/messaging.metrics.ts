import { Counter, Gauge } from 'prom-client';
import { metricsRegistry } from '@crm/platform';

export const messagingMetrics = {
  published: new Counter({
    name: 'crm_outbox_published_total',
    help: 'Events published from the outbox to JetStream',
    labelNames: ['service'],
    registers: [metricsRegistry],
  }),
  relayLag: new Gauge({
    name: 'crm_outbox_relay_lag_seconds',
    help: 'Age of the oldest event in the last batch the relay published',
    labelNames: ['service'],
    registers: [metricsRegistry],
  }),
  consumed: new Counter({
    name: 'crm_events_consumed_total',
    help: 'Events taken from a stream, by outcome',
    labelNames: ['consumer', 'type', 'outcome'],
    registers: [metricsRegistry],
  }),
};
