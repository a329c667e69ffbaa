import { PerformanceObserver, constants, type PerformanceEntry } from 'node:perf_hooks';
import { reclaimStreamBuffers } from './reclaim-stream-buffers';

function minorCollectionsDuring(work: () => void): Promise<number> {
  return new Promise((resolve) => {
    const seen: PerformanceEntry[] = [];
    const observer = new PerformanceObserver((list) => seen.push(...list.getEntries()));
    observer.observe({ entryTypes: ['gc'] });
    work();
    setTimeout(() => {
      observer.disconnect();
      const kinds = seen.map((e) => (e as PerformanceEntry & { detail?: { kind?: number } }).detail?.kind);
      resolve(kinds.filter((k) => k === constants.NODE_PERFORMANCE_GC_MINOR).length);
    }, 50);
  });
}

describe('reclaimStreamBuffers', () => {
  it('runs a young-generation collection once every so many bytes streamed, not before', async () => {
    const reclaim = reclaimStreamBuffers(1024 * 1024);
    const streamed = await minorCollectionsDuring(() => {
      for (let i = 0; i < 16; i++) reclaim(512 * 1024);
    });
    const idle = await minorCollectionsDuring(() => {
      for (let i = 0; i < 16; i++) reclaim(0);
    });
    expect(streamed).toBeGreaterThanOrEqual(8);
    expect(idle).toBeLessThan(streamed);
  });
});
