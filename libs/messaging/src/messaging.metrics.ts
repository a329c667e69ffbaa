import { Counter, Gauge, Histogram } from 'prom-client';
import { metricsRegistry } from '@crm/platform';

/** Per service: the age in seconds of its oldest unpublished outbox row, 0 when none. */
const lagProbes = new Map<string, () => Promise<number>>();

export const messagingMetrics = {
  published: new Counter({
    name: 'crm_outbox_published_total',
    help: 'Events published from the outbox to JetStream',
    labelNames: ['service'],
    registers: [metricsRegistry],
  }),
  relayLag: new Gauge({
    name: 'crm_outbox_relay_lag_seconds',
    help: 'Age of the oldest outbox row not yet published (0 when none), read from the database at each scrape',
    labelNames: ['service'],
    registers: [metricsRegistry],
    async collect() {
      for (const [service, probe] of lagProbes) {
        try {
          this.set({ service }, await probe());
        } catch {
          // Database unreachable: readiness says so; keep the last value.
        }
      }
    },
  }),
  consumed: new Counter({
    name: 'crm_events_consumed_total',
    help: 'Events taken from a stream, by outcome',
    labelNames: ['consumer', 'type', 'outcome'],
    registers: [metricsRegistry],
  }),
  batchSeconds: new Histogram({
    name: 'crm_event_batch_seconds',
    help: 'Batch-mode consumers: time of each batch transaction by phase (inbox, handlers, commit, ack, total)',
    labelNames: ['consumer', 'stream', 'phase'],
    buckets: [0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10],
    registers: [metricsRegistry],
  }),
  batchEvents: new Histogram({
    name: 'crm_event_batch_events',
    help: 'Batch-mode consumers: events per batch transaction, by outcome (committed, failed)',
    labelNames: ['consumer', 'stream', 'outcome'],
    buckets: [1, 10, 50, 100, 250, 500, 1000, 2000, 5000],
    registers: [metricsRegistry],
  }),
};

/** Measures the service's relay lag at each scrape; returns the unregister function. */
export function registerRelayLagProbe(service: string, probe: () => Promise<number>): () => void {
  lagProbes.set(service, probe);
  return () => lagProbes.delete(service);
}
