import Fastify from 'fastify';
import { Counter } from 'prom-client';
import { MetricsController } from './metrics.controller';
import { installHttpMetrics, metricsRegistry } from './metrics.registry';

describe('metrics', () => {
  it('times requests by method, route template and status', async () => {
    const fastify = Fastify();
    installHttpMetrics(fastify);
    fastify.get('/things/:id', async () => ({ ok: true }));
    await fastify.inject({ method: 'GET', url: '/things/0190f0f0-0000-7000-8000-000000000001' });
    await fastify.inject({ method: 'GET', url: '/no/such/route/42' });
    await fastify.close();
    const text = await metricsRegistry.metrics();
    expect(text).toMatch(/http_server_requests_seconds_count\{method="GET",route="\/things\/:id",status="200"\} 1/);
    expect(text).toMatch(/http_server_requests_seconds_count\{method="GET",route="unmatched",status="404"\} 1/);
    expect(text).not.toContain('0190f0f0');
  });

  it('serves default process metrics and metrics other libraries register, in the Prometheus text format', async () => {
    new Counter({ name: 'outbox_published_total', help: 'events published', registers: [metricsRegistry] }).inc(2);
    const text = await new MetricsController().metrics();
    expect(text).toContain('# TYPE process_cpu_user_seconds_total counter');
    expect(text).toContain('outbox_published_total 2');
    expect(metricsRegistry.contentType).toContain('text/plain');
  });
});
