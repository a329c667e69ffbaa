/** Fields the merge screen lets a person pick from either record (the API folds lists together itself). */
export const MERGE_FIELDS = ['firstName', 'lastName', 'lifecycleStage', 'country', 'city', 'occupation'] as const;
export type MergeField = (typeof MERGE_FIELDS)[number];
export type MergeSide = 'kept' | 'other';

type Fields = Partial<Record<MergeField, string | null>>;

/**
 * After POST /contacts/{kept}/merge, the PATCH that applies the fields chosen from the
 * other record: only those that differ, so nothing changes when every choice is the kept side.
 */
export function mergePatch(kept: Fields, other: Fields, choice: Partial<Record<MergeField, MergeSide>>): Fields {
  const out: Fields = {};
  for (const f of MERGE_FIELDS) {
    if (choice[f] !== 'other') continue;
    const v = other[f] ?? null;
    if (v === (kept[f] ?? null)) continue;
    if (v === null && (f === 'firstName' || f === 'lastName' || f === 'lifecycleStage')) continue;
    out[f] = v;
  }
  return out;
}
