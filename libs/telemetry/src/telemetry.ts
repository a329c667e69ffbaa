import { context, propagation, trace } from '@opentelemetry/api';
import { CompositePropagator, W3CBaggagePropagator, W3CTraceContextPropagator } from '@opentelemetry/core';
import { OTLPTraceExporter } from '@opentelemetry/exporter-trace-otlp-http';
import { HttpInstrumentation } from '@opentelemetry/instrumentation-http';
import { NestInstrumentation } from '@opentelemetry/instrumentation-nestjs-core';
import { PgInstrumentation } from '@opentelemetry/instrumentation-pg';
import { resourceFromAttributes } from '@opentelemetry/resources';
import { NodeSDK, type NodeSDKConfiguration } from '@opentelemetry/sdk-node';
import { AlwaysOffSampler, BatchSpanProcessor, NoopSpanProcessor, type SpanProcessor } from '@opentelemetry/sdk-trace';
import { ATTR_SERVICE_NAME } from '@opentelemetry/semantic-conventions';

export interface TelemetryOptions {
  serviceName: string;
}

let sdk: NodeSDK | undefined;

// Probes and scrapes would drown the traces that matter.
const UNTRACED_PATHS = /^\/(health|metrics)(\/|\?|$)/;

function exporterConfigured(): boolean {
  return Boolean(process.env['OTEL_EXPORTER_OTLP_ENDPOINT'] || process.env['OTEL_EXPORTER_OTLP_TRACES_ENDPOINT']);
}

/**
 * With a collector: spans go out in batches, sampled as OTEL_TRACES_SAMPLER says (the SDK reads it;
 * parent-based always-on by default), and pg and Nest spans are recorded.
 *
 * Without one nobody would read a span, so none is recorded: the sampler is always-off (unless
 * OTEL_TRACES_SAMPLER asks otherwise) and only the HTTP instrumentation runs, which still gives
 * each request a trace id for the logs and continues an incoming traceparent.
 */
function tracingSetup(): Pick<NodeSDKConfiguration, 'spanProcessors' | 'instrumentations'> & {
  sampler?: NodeSDKConfiguration['sampler'];
} {
  const http = new HttpInstrumentation({ ignoreIncomingRequestHook: (req) => UNTRACED_PATHS.test(req.url ?? '') });
  if (exporterConfigured()) {
    const processors: SpanProcessor[] = [new BatchSpanProcessor({ exporter: new OTLPTraceExporter() })];
    return { spanProcessors: processors, instrumentations: [http, new PgInstrumentation(), new NestInstrumentation()] };
  }
  return {
    // A processor keeps the SDK's tracer provider (and so real trace ids) in place.
    spanProcessors: [new NoopSpanProcessor()],
    instrumentations: [http],
    ...(process.env['OTEL_TRACES_SAMPLER'] ? {} : { sampler: new AlwaysOffSampler() }),
  };
}

/**
 * Starts tracing. Call it first in main.ts, before the app is required, so
 * the instrumentations patch their modules as they load. Propagation is W3C
 * trace context (plus baggage). Calling it again is a no-op;
 * OTEL_SDK_DISABLED=true turns it off.
 */
export function startTelemetry(o: TelemetryOptions): void {
  if (sdk || process.env['OTEL_SDK_DISABLED'] === 'true') return;
  sdk = new NodeSDK({
    resource: resourceFromAttributes({
      [ATTR_SERVICE_NAME]: process.env['OTEL_SERVICE_NAME'] ?? `crm-${o.serviceName}`,
    }),
    ...tracingSetup(),
    // Traces only: no metric readers or log exporters, which would otherwise default to OTLP.
    metricReaders: [],
    logRecordProcessors: [],
    textMapPropagator: new CompositePropagator({
      propagators: [new W3CTraceContextPropagator(), new W3CBaggagePropagator()],
    }),
  });
  sdk.start();
}

/** True when spans are exported (a collector is configured), so callers can skip span-only work. */
export function tracesExported(): boolean {
  return sdk !== undefined && exporterConfigured();
}

/** Flushes pending spans and unregisters the SDK, so a later startTelemetry starts afresh. */
export async function shutdownTelemetry(): Promise<void> {
  const s = sdk;
  sdk = undefined;
  if (!s) return;
  try {
    await s.shutdown();
  } finally {
    trace.disable();
    propagation.disable();
    context.disable();
  }
}
