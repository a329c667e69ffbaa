/**
 * How a handler applies a batch of events with the outcome of applying them
 * one by one in stream order, in a few multi-row statements: the events are
 * split into rounds in which no row key repeats (round k holds the k-th event
 * of each key, so one key's events keep their order), and each round's events
 * of one kind go to that kind's statement. Events of different keys touch
 * different rows, so their order within a round does not matter; a key seen
 * once in the batch (the usual case) costs one round.
 */
export async function applyInRounds<E, K extends string>(
  items: readonly E[],
  keyOf: (item: E) => string,
  kindOf: (item: E) => K | null,
  apply: (kind: K, items: E[]) => Promise<void>,
): Promise<void> {
  for (const round of rounds(items, keyOf)) {
    const byKind = new Map<K, E[]>();
    for (const item of round) {
      const kind = kindOf(item);
      if (kind === null) continue;
      const list = byKind.get(kind);
      if (list) list.push(item);
      else byKind.set(kind, [item]);
    }
    for (const [kind, list] of byKind) await apply(kind, list);
  }
}

/** The items split so that no key repeats within a part, each key's items in their order across the parts. */
export function rounds<E>(items: readonly E[], keyOf: (item: E) => string): E[][] {
  const seen = new Map<string, number>();
  const out: E[][] = [];
  for (const item of items) {
    const key = keyOf(item);
    const n = seen.get(key) ?? 0;
    seen.set(key, n + 1);
    (out[n] ??= []).push(item);
  }
  return out;
}
