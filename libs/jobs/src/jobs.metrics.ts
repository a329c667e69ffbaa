import { Counter, Histogram } from 'prom-client';
import { metricsRegistry } from '@crm/platform';

export const jobMetrics = {
  completed: new Counter({
    name: 'crm_jobs_completed_total',
    help: 'Durable jobs that ran to the end',
    labelNames: ['job'],
    registers: [metricsRegistry],
  }),
  failed: new Counter({
    name: 'crm_jobs_failed_total',
    help: 'Durable job runs that threw (each is retried until its retry limit)',
    labelNames: ['job'],
    registers: [metricsRegistry],
  }),
  duration: new Histogram({
    name: 'crm_job_duration_seconds',
    help: 'Time one durable job took',
    labelNames: ['job'],
    buckets: [0.01, 0.05, 0.1, 0.5, 1, 5, 30, 120, 600],
    registers: [metricsRegistry],
  }),
};
