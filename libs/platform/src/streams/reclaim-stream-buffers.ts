import { setFlagsFromString } from 'node:v8';
import { runInNewContext } from 'node:vm';

type Collect = (options: { type: 'minor' }) => void;

let collect: Collect | null | undefined;

/** V8's own collector, made reachable once (the same as starting node with --expose-gc). */
function collector(): Collect | null {
  if (collect !== undefined) return collect;
  try {
    setFlagsFromString('--expose-gc');
    collect = runInNewContext('gc') as Collect;
  } catch {
    collect = null;
  }
  return collect;
}

/**
 * Keeps the memory of a long streamed body bounded.
 *
 * Every socket read allocates a fresh buffer, freed only when V8 collects;
 * V8 counts those buffers as external memory and starts a collection for
 * them only when they pass 64 MB, so a 200 MB upload grows the process by
 * about that much before anything is freed, whatever the stream's own
 * high-water marks. A young-generation collection (about a millisecond
 * with a small young generation) every `every` bytes frees the buffers the
 * pipeline is done with. Call the returned function with each chunk's size.
 */
export function reclaimStreamBuffers(every = 16 * 1024 * 1024): (bytes: number) => void {
  const gc = collector();
  let since = 0;
  return (bytes: number) => {
    since += bytes;
    if (since < every || !gc) return;
    since = 0;
    gc({ type: 'minor' });
  };
}
