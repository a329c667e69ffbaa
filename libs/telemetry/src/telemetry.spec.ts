import { context, propagation, trace } from '@opentelemetry/api';
import { shutdownTelemetry, startTelemetry } from './telemetry';

describe('telemetry', () => {
  afterAll(() => shutdownTelemetry());

  it('gives spans real trace ids and propagates them as a W3C traceparent, with no exporter configured', () => {
    delete process.env['OTEL_EXPORTER_OTLP_ENDPOINT'];
    startTelemetry({ serviceName: 'spec' });
    const span = trace.getTracer('spec').startSpan('work');
    const ctx = trace.setSpan(context.active(), span);
    const carrier: Record<string, string> = {};
    propagation.inject(ctx, carrier);
    span.end();
    expect(span.spanContext().traceId).toMatch(/^[0-9a-f]{32}$/);
    expect(span.spanContext().traceId).not.toBe('0'.repeat(32));
    expect(carrier['traceparent']).toBe(`00-${span.spanContext().traceId}-${span.spanContext().spanId}-01`);
  });
});
