import { spawn } from 'node:child_process';
import { createServer, type Server } from 'node:http';
import { join } from 'node:path';
import { context, isSpanContextValid, propagation, trace } from '@opentelemetry/api';
import { shutdownTelemetry, startTelemetry } from './telemetry';

describe('telemetry', () => {
  afterEach(async () => {
    await shutdownTelemetry();
    delete process.env['OTEL_EXPORTER_OTLP_ENDPOINT'];
  });

  it('gives spans valid trace ids and propagates them as an unsampled W3C traceparent, with no exporter configured', () => {
    delete process.env['OTEL_EXPORTER_OTLP_ENDPOINT'];
    startTelemetry({ serviceName: 'spec' });
    const span = trace.getTracer('spec').startSpan('work');
    const ctx = trace.setSpan(context.active(), span);
    const carrier: Record<string, string> = {};
    propagation.inject(ctx, carrier);
    span.end();
    const { traceId, spanId } = span.spanContext();
    expect(isSpanContextValid(span.spanContext())).toBe(true);
    expect(traceId).toMatch(/^[0-9a-f]{32}$/);
    expect(traceId).not.toBe('0'.repeat(32));
    // Nobody would read a recorded span, so none is recorded; the ids still flow to logs and peers.
    expect(span.isRecording()).toBe(false);
    expect(carrier['traceparent']).toBe(`00-${traceId}-${spanId}-00`);
  });

  it('records spans when OTEL_TRACES_SAMPLER asks for them though no exporter is set', () => {
    process.env['OTEL_TRACES_SAMPLER'] = 'always_on';
    try {
      startTelemetry({ serviceName: 'spec' });
      const span = trace.getTracer('spec').startSpan('work');
      expect(span.isRecording()).toBe(true);
      span.end();
    } finally {
      delete process.env['OTEL_TRACES_SAMPLER'];
    }
  });

  it('continues a trace from an incoming traceparent and keeps the active span across awaits', async () => {
    startTelemetry({ serviceName: 'spec' });
    const parent = propagation.extract(context.active(), {
      traceparent: '00-4bf92f3577b34da6a3ce929d0e0e4736-00f067aa0ba902b7-01',
    });
    const span = trace.getTracer('spec').startSpan('handle', undefined, parent);
    const seen = await context.with(trace.setSpan(parent, span), async () => {
      await new Promise((r) => setTimeout(r, 5));
      return trace.getActiveSpan()?.spanContext().traceId;
    });
    span.end();
    expect(seen).toBe('4bf92f3577b34da6a3ce929d0e0e4736');
  });

  it('is idempotent', () => {
    startTelemetry({ serviceName: 'spec' });
    const provider = trace.getTracerProvider();
    startTelemetry({ serviceName: 'other' });
    expect(trace.getTracerProvider()).toBe(provider);
  });

  describe('with OTEL_EXPORTER_OTLP_ENDPOINT set', () => {
    let collector: Server;
    const received: { url: string; body: string }[] = [];

    beforeAll(async () => {
      collector = createServer((req, res) => {
        const chunks: Buffer[] = [];
        req.on('data', (c: Buffer) => chunks.push(c));
        req.on('end', () => {
          received.push({ url: req.url ?? '', body: Buffer.concat(chunks).toString('utf8') });
          res.writeHead(200, { 'content-type': 'application/json' }).end('{}');
        });
      });
      await new Promise<void>((r) => collector.listen(0, '127.0.0.1', r));
    });

    afterAll(() => new Promise<void>((r) => collector.close(() => r())));

    // The OTLP exporter loads node:http with a dynamic import, which Jest's module sandbox refuses,
    // so the service side runs as a real Node process.
    it('exports spans to the collector over OTLP/HTTP, named after the service', async () => {
      const script = `
        const t = require(${JSON.stringify(join(__dirname, 'telemetry'))});
        const { trace } = require('@opentelemetry/api');
        t.startTelemetry({ serviceName: 'exporter-spec' });
        trace.getTracer('spec').startSpan('exported-work').end();
        t.shutdownTelemetry().then(() => process.exit(0), (e) => { console.error(e); process.exit(1); });
      `;
      const child = spawn(process.execPath, ['-r', 'ts-node/register/transpile-only', '-e', script], {
        cwd: join(__dirname, '..'),
        env: {
          // Nx's own ts-node settings (TS_NODE_COMPILER_OPTIONS) would leak in otherwise.
          ...Object.fromEntries(Object.entries(process.env).filter(([k]) => !k.startsWith('TS_NODE_'))),
          TS_NODE_PROJECT: join(__dirname, '..', 'tsconfig.lib.json'),
          OTEL_EXPORTER_OTLP_ENDPOINT: `http://127.0.0.1:${(collector.address() as { port: number }).port}`,
        },
        stdio: ['ignore', 'ignore', 'pipe'],
      });
      let stderr = '';
      child.stderr.on('data', (c: Buffer) => (stderr += c.toString()));
      const code = await new Promise<number | null>((r) => child.on('exit', r));
      expect({ code, stderr }).toEqual({ code: 0, stderr: '' });
      const traces = received.filter((r) => r.url === '/v1/traces');
      expect(traces.length).toBeGreaterThan(0);
      expect(traces.map((t) => t.body).join('')).toContain('exported-work');
      expect(traces.map((t) => t.body).join('')).toContain('crm-exporter-spec');
      // Traces only: no metrics or logs sent to the collector.
      expect(received.every((r) => r.url === '/v1/traces')).toBe(true);
    }, 30_000);
  });
});
