import { describe, expect, it } from 'vitest';
import { clockWords } from '../screens/support/support-types';
import { moveCard } from './board';
import { toDefinition } from './segment-definition';

describe('the board moves a card at once', () => {
  const columns = [
    {
      stage: { id: 'a' },
      count: 2,
      deals: [
        { id: 'd1', version: 1 },
        { id: 'd2', version: 1 },
      ],
    },
    { stage: { id: 'b' }, count: 0, deals: [] as { id: string; version: number }[] },
  ];
  it('takes it out of its column and puts it first in the other, counts following', () => {
    const moved = moveCard(columns, 'd2', 'b');
    expect(moved.map((c) => [c.count, c.deals.map((d) => d.id)])).toEqual([
      [1, ['d1']],
      [1, ['d2']],
    ]);
  });
  it('leaves the board alone for an unknown deal', () => {
    expect(moveCard(columns, 'zz', 'b')).toBe(columns);
  });
});

describe('the segment builder', () => {
  it('turns rows into the API filter tree, numbers as numbers, lists split, empty rows left out', () => {
    expect(
      toDefinition('and', [
        { field: 'tags', op: 'hasTag', value: ' vip ' },
        { field: 'orderCount', op: 'gte', value: '3' },
        { field: 'country', op: 'in', value: 'FR, DE,' },
        { field: 'city', op: 'eq', value: '' },
        { field: 'city', op: 'isSet', value: '' },
      ]),
    ).toEqual({
      and: [
        { field: 'tags', op: 'hasTag', value: 'vip' },
        { field: 'orderCount', op: 'gte', value: 3 },
        { field: 'country', op: 'in', value: ['FR', 'DE'] },
        { field: 'city', op: 'isSet' },
      ],
    });
  });
  it('has nothing to count until a row has a value', () => {
    expect(toDefinition('or', [{ field: 'tags', op: 'hasTag', value: '  ' }])).toBeNull();
  });
});

describe('SLA clocks in words', () => {
  it('says what is left and what is overdue', () => {
    expect(clockWords({ target: 'first_response', state: 'running', dueAt: null, remainingSeconds: 7500 })).toBe(
      '2 h 05 min left',
    );
    expect(clockWords({ target: 'resolution', state: 'breached', dueAt: null, remainingSeconds: -180 })).toBe(
      'overdue by 3 min',
    );
    expect(clockWords({ target: 'resolution', state: 'met', dueAt: null, remainingSeconds: 0 })).toBe('met');
  });
});
