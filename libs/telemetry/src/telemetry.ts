import { NodeSDK } from '@opentelemetry/sdk-node';
import { OTLPTraceExporter } from '@opentelemetry/exporter-trace-otlp-http';
import { HttpInstrumentation } from '@opentelemetry/instrumentation-http';
import { PgInstrumentation } from '@opentelemetry/instrumentation-pg';
import { NestInstrumentation } from '@opentelemetry/instrumentation-nestjs-core';
import { resourceFromAttributes } from '@opentelemetry/resources';
import { ATTR_SERVICE_NAME } from '@opentelemetry/semantic-conventions';
import { BatchSpanProcessor, NoopSpanProcessor, type SpanProcessor } from '@opentelemetry/sdk-trace-base';

let sdk: NodeSDK | undefined;

export interface TelemetryOptions {
  serviceName: string;
}

/**
 * Starts tracing before the app loads, so http, pg and Nest are patched as
 * they are required. Spans are exported over OTLP only when
 * OTEL_EXPORTER_OTLP_ENDPOINT is set; trace ids exist either way, for logs
 * and for the traceparent carried on NATS messages.
 */
export function startTelemetry(o: TelemetryOptions): void {
  if (sdk || process.env['OTEL_SDK_DISABLED'] === 'true') return;
  const processors: SpanProcessor[] = process.env['OTEL_EXPORTER_OTLP_ENDPOINT']
    ? [new BatchSpanProcessor(new OTLPTraceExporter())]
    : [new NoopSpanProcessor()];
  sdk = new NodeSDK({
    resource: resourceFromAttributes({ [ATTR_SERVICE_NAME]: process.env['OTEL_SERVICE_NAME'] ?? `crm-${o.serviceName}` }),
    spanProcessors: processors,
    instrumentations: [
      new HttpInstrumentation({ ignoreIncomingRequestHook: (req) => /^\/(health|metrics)/.test(req.url ?? '') }),
      new PgInstrumentation(),
      new NestInstrumentation(),
    ],
  });
  sdk.start();
}

export async function shutdownTelemetry(): Promise<void> {
  const s = sdk;
  sdk = undefined;
  await s?.shutdown();
}
