import { randomBytes } from 'node:crypto';
import type { JetStreamManager, StoredMsg } from 'nats';

/** A namespace for one test run's streams and subjects. */
export function randomNamespace(): string {
  return `t${randomBytes(4).toString('hex')}`;
}

/** Every message currently on a stream, oldest first. */
export async function readStream(jsm: JetStreamManager, stream: string): Promise<StoredMsg[]> {
  const info = await jsm.streams.info(stream);
  const out: StoredMsg[] = [];
  for (let seq = info.state.first_seq; seq <= info.state.last_seq && info.state.messages > 0; seq++) {
    try {
      out.push(await jsm.streams.getMessage(stream, { seq }));
    } catch {
      // deleted message: skip
    }
  }
  return out;
}

export async function deleteNamespaceStreams(jsm: JetStreamManager, namespace: string): Promise<void> {
  const prefix = `${namespace.toUpperCase()}_`;
  for await (const s of jsm.streams.list()) {
    if (s.config.name.startsWith(prefix)) await jsm.streams.delete(s.config.name);
  }
}

export async function waitFor<T>(
  probe: () => Promise<T>,
  done: (value: T) => boolean,
  timeoutMs = 15_000,
  everyMs = 100,
): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  let last = await probe();
  while (!done(last)) {
    if (Date.now() > deadline)
      throw new Error(`condition not met within ${timeoutMs} ms; last value ${JSON.stringify(last)}`);
    await new Promise((r) => setTimeout(r, everyMs));
    last = await probe();
  }
  return last;
}
