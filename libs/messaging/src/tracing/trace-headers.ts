import { context, propagation, trace, SpanKind, SpanStatusCode, type Context } from '@opentelemetry/api';
import type { MsgHdrs } from 'nats';

const TRACE_HEADERS = ['traceparent', 'tracestate'] as const;

/** The active trace context as W3C headers, to keep with an outbox row. */
export function currentTraceHeaders(): Record<string, string> {
  const carrier: Record<string, string> = {};
  propagation.inject(context.active(), carrier);
  const out: Record<string, string> = {};
  for (const key of TRACE_HEADERS) {
    if (carrier[key]) out[key] = carrier[key];
  }
  return out;
}

export function contextFromHeaders(headers: MsgHdrs | Record<string, string> | undefined): Context {
  const carrier: Record<string, string> = {};
  if (headers) {
    for (const key of TRACE_HEADERS) {
      const value =
        typeof (headers as MsgHdrs).get === 'function'
          ? (headers as MsgHdrs).get(key)
          : (headers as Record<string, string>)[key];
      if (value) carrier[key] = value;
    }
  }
  return propagation.extract(context.active(), carrier);
}

const tracer = trace.getTracer('@crm/messaging');

/** Runs fn in a span of the given kind whose parent is the given context. */
export async function inSpan<T>(
  name: string,
  kind: 'producer' | 'consumer',
  parent: Context,
  attributes: Record<string, string | number>,
  fn: () => Promise<T>,
): Promise<T> {
  return tracer.startActiveSpan(
    name,
    { kind: kind === 'producer' ? SpanKind.PRODUCER : SpanKind.CONSUMER, attributes },
    parent,
    async (span) => {
      try {
        return await fn();
      } catch (error) {
        span.recordException(error as Error);
        span.setStatus({ code: SpanStatusCode.ERROR, message: String(error) });
        throw error;
      } finally {
        span.end();
      }
    },
  );
}
