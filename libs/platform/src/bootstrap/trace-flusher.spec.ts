import { trace, type Tracer, type TracerProvider } from '@opentelemetry/api';
import { TraceFlusher } from './trace-flusher';

class BufferingProvider implements TracerProvider {
  flushed = 0;
  getTracer(): Tracer {
    throw new Error('not used here');
  }
  async forceFlush(): Promise<void> {
    this.flushed++;
  }
}

describe('flushing traces at shutdown', () => {
  afterEach(() => trace.disable());

  it('flushes the registered tracer provider', async () => {
    const provider = new BufferingProvider();
    trace.setGlobalTracerProvider(provider);
    await new TraceFlusher().onApplicationShutdown();
    expect(provider.flushed).toBe(1);
  });

  it('does nothing when telemetry was never started', async () => {
    await expect(new TraceFlusher().onApplicationShutdown()).resolves.toBeUndefined();
  });
});
