import { context, propagation, trace } from '@opentelemetry/api';
import { OTLPTraceExporter } from '@opentelemetry/exporter-trace-otlp-http';
import { HttpInstrumentation } from '@opentelemetry/instrumentation-http';
import { NestInstrumentation } from '@opentelemetry/instrumentation-nestjs-core';
import { PgInstrumentation } from '@opentelemetry/instrumentation-pg';
import { resourceFromAttributes } from '@opentelemetry/resources';
import { core, NodeSDK } from '@opentelemetry/sdk-node';
import { BatchSpanProcessor, NoopSpanProcessor, type SpanProcessor } from '@opentelemetry/sdk-trace-base';
import { ATTR_SERVICE_NAME } from '@opentelemetry/semantic-conventions';

export interface TelemetryOptions {
  serviceName: string;
}

let sdk: NodeSDK | undefined;

// Probes and scrapes would drown the traces that matter.
const UNTRACED_PATHS = /^\/(health|metrics)(\/|\?|$)/;

function spanProcessors(): SpanProcessor[] {
  // With no collector, spans are still created (trace ids for logs and traceparent) but go nowhere.
  return process.env['OTEL_EXPORTER_OTLP_ENDPOINT'] || process.env['OTEL_EXPORTER_OTLP_TRACES_ENDPOINT']
    ? [new BatchSpanProcessor(new OTLPTraceExporter())]
    : [new NoopSpanProcessor()];
}

/**
 * Starts tracing. Call it first in main.ts, before the app is required, so
 * the http, pg and Nest instrumentations patch those modules as they load.
 * Spans are exported over OTLP/HTTP only when OTEL_EXPORTER_OTLP_ENDPOINT is
 * set. Propagation is W3C trace context (plus baggage). Calling it again is a
 * no-op; OTEL_SDK_DISABLED=true turns it off.
 */
export function startTelemetry(o: TelemetryOptions): void {
  if (sdk || process.env['OTEL_SDK_DISABLED'] === 'true') return;
  sdk = new NodeSDK({
    resource: resourceFromAttributes({ [ATTR_SERVICE_NAME]: process.env['OTEL_SERVICE_NAME'] ?? `crm-${o.serviceName}` }),
    spanProcessors: spanProcessors(),
    // Traces only: no metric readers or log exporters, which would otherwise default to OTLP.
    metricReaders: [],
    logRecordProcessors: [],
    textMapPropagator: new core.CompositePropagator({
      propagators: [new core.W3CTraceContextPropagator(), new core.W3CBaggagePropagator()],
    }),
    instrumentations: [
      new HttpInstrumentation({ ignoreIncomingRequestHook: (req) => UNTRACED_PATHS.test(req.url ?? '') }),
      new PgInstrumentation(),
      new NestInstrumentation(),
    ],
  });
  sdk.start();
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
