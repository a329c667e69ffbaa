import { describe, expect, it } from 'vitest';
import { clockWords } from '../screens/support/support-types';
import { moveCard, moveChoice, withPendingMoves } from './board';
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
  it('keeps a move in flight on a board answered before it', () => {
    const stale = withPendingMoves(columns, { d1: 'b' });
    expect(stale.map((c) => c.deals.map((d) => d.id))).toEqual([['d2'], ['d1']]);
    expect(withPendingMoves(columns, {})).toBe(columns);
  });
  it('keeps the chosen "Move to" stage until it is where the card is', () => {
    const stages = [{ id: 'a' }, { id: 'b' }, { id: 'c' }];
    expect(moveChoice('c', 'a', stages)).toBe('c');
    expect(moveChoice('c', 'c', stages)).toBe('a');
    expect(moveChoice(undefined, 'a', stages)).toBe('b');
    expect(moveChoice('gone', 'a', stages)).toBe('b');
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
