/** One change applied to each selected contact. */
export type BulkChange =
  | { kind: 'addTag'; tag: string }
  | { kind: 'removeTag'; tag: string }
  | { kind: 'owner'; ownerId: string };

/** The PATCH body the change makes of a contact as it stands, or null when it would change nothing. */
export function bulkPatch(
  change: BulkChange,
  current: { tags: string[]; ownerId?: string | null },
): { tags: string[] } | { ownerId: string } | null {
  if (change.kind === 'owner') return current.ownerId === change.ownerId ? null : { ownerId: change.ownerId };
  const has = current.tags.includes(change.tag);
  if (change.kind === 'addTag') return has ? null : { tags: [...current.tags, change.tag] };
  return has ? { tags: current.tags.filter((t) => t !== change.tag) } : null;
}

export function describeChange(change: BulkChange): string {
  if (change.kind === 'owner') return `owner set to ${change.ownerId}`;
  return change.kind === 'addTag' ? `tag ${change.tag} added` : `tag ${change.tag} removed`;
}

/** Runs `work` on every item, at most `width` at once, in order of the list; each outcome in its place. */
export async function eachLimited<T, R>(
  items: readonly T[],
  width: number,
  work: (item: T) => Promise<R>,
  onDone?: (done: number) => void,
): Promise<PromiseSettledResult<R>[]> {
  const out: PromiseSettledResult<R>[] = new Array(items.length);
  let next = 0;
  let done = 0;
  const lane = async () => {
    while (next < items.length) {
      const i = next++;
      try {
        out[i] = { status: 'fulfilled', value: await work(items[i]) };
      } catch (reason) {
        out[i] = { status: 'rejected', reason };
      }
      onDone?.(++done);
    }
  };
  await Promise.all(Array.from({ length: Math.min(width, items.length) }, lane));
  return out;
}
