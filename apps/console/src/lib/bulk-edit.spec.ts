import { describe, expect, it } from 'vitest';
import { bulkPatch, eachLimited } from './bulk-edit';

describe('a bulk change of contacts', () => {
  it('adds or removes a tag keeping the others, and sets the owner', () => {
    expect(bulkPatch({ kind: 'addTag', tag: 'vip' }, { tags: ['a'] })).toEqual({ tags: ['a', 'vip'] });
    expect(bulkPatch({ kind: 'removeTag', tag: 'a' }, { tags: ['a', 'b'] })).toEqual({ tags: ['b'] });
    expect(bulkPatch({ kind: 'owner', ownerId: 'rita' }, { tags: [], ownerId: 'sam' })).toEqual({ ownerId: 'rita' });
  });
  it('asks nothing of a contact already so', () => {
    expect(bulkPatch({ kind: 'addTag', tag: 'vip' }, { tags: ['vip'] })).toBeNull();
    expect(bulkPatch({ kind: 'removeTag', tag: 'vip' }, { tags: [] })).toBeNull();
    expect(bulkPatch({ kind: 'owner', ownerId: 'rita' }, { tags: [], ownerId: 'rita' })).toBeNull();
  });
  it('runs at most so many at once and keeps each outcome in its place', async () => {
    let running = 0;
    let most = 0;
    const seen: number[] = [];
    const out = await eachLimited(
      [1, 2, 3, 4, 5, 6],
      2,
      async (n) => {
        running++;
        most = Math.max(most, running);
        await new Promise((r) => setTimeout(r, 5));
        running--;
        if (n === 4) throw new Error('refused');
        return n * 10;
      },
      (d) => seen.push(d),
    );
    expect(most).toBe(2);
    expect(seen).toEqual([1, 2, 3, 4, 5, 6]);
    expect(out.map((r) => (r.status === 'fulfilled' ? r.value : 'x'))).toEqual([10, 20, 30, 'x', 50, 60]);
  });
});
