import { applyInRounds, rounds } from './batch-rounds';

describe('batch rounds', () => {
  it('splits events so no key repeats in a round, each key in its order', () => {
    const items = ['a1', 'b1', 'a2', 'c1', 'a3', 'b2'];
    expect(rounds(items, (s) => s[0])).toEqual([['a1', 'b1', 'c1'], ['a2', 'b2'], ['a3']]);
  });

  it('applies each round by kind, rounds in order, skipping what has no kind', async () => {
    const calls: string[] = [];
    await applyInRounds(
      ['x:a1', 'y:b1', 'x:a2', 'z:c1', 'y:b2'],
      (s) => s.slice(2, 3),
      (s) => (s.startsWith('z') ? null : (s[0] as 'x' | 'y')),
      async (kind, list) => {
        calls.push(`${kind}=${list.join(',')}`);
      },
    );
    expect(calls).toEqual(['x=x:a1', 'y=y:b1', 'x=x:a2', 'y=y:b2']);
  });
});
