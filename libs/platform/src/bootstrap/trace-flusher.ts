import { Injectable, type OnApplicationShutdown } from '@nestjs/common';
import { ProxyTracerProvider, trace } from '@opentelemetry/api';

interface Flushable {
  forceFlush(): Promise<void>;
}

const isFlushable = (p: unknown): p is Flushable => typeof (p as Partial<Flushable>)?.forceFlush === 'function';

/**
 * Sends the spans still buffered by @crm/telemetry before the process exits
 * on SIGTERM; Nest re-raises the signal right after shutdown, so nothing else would.
 */
@Injectable()
export class TraceFlusher implements OnApplicationShutdown {
  async onApplicationShutdown(): Promise<void> {
    const global = trace.getTracerProvider();
    const provider = global instanceof ProxyTracerProvider ? global.getDelegate() : global;
    if (isFlushable(provider)) await provider.forceFlush().catch(() => undefined);
  }
}
