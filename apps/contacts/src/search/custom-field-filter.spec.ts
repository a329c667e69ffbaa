import { DomainError } from '@crm/platform';
import { parseCustomFieldFilters } from './custom-field-filter';

const defs = [
  { key: 'tier', type: 'enum' as const, required: false, options: ['gold', 'silver'], pattern: null, maxLength: null },
  { key: 'employees', type: 'number' as const, required: false, options: null, pattern: null, maxLength: null },
  { key: 'vip', type: 'boolean' as const, required: false, options: null, pattern: null, maxLength: null },
];

function problems(raw: Record<string, unknown>): { field: string; message: string }[] {
  try {
    parseCustomFieldFilters(raw, defs);
    return [];
  } catch (e) {
    return (e as DomainError).extra.errors ?? [];
  }
}

describe('custom field filters (cf.<key>=value)', () => {
  it('reads values in the type of their field; a repeated key means any of its values', () => {
    expect(parseCustomFieldFilters({ tier: ['gold', 'silver'], employees: '12', vip: 'false' }, defs)).toEqual([
      { key: 'tier', values: ['gold', 'silver'] },
      { key: 'employees', values: [12] },
      { key: 'vip', values: [false] },
    ]);
  });

  it('names cf.<key> for an undefined field or a value that does not fit', () => {
    expect(problems({ shoe: '44' })).toEqual([{ field: 'cf.shoe', message: 'is not a defined custom field' }]);
    expect(problems({ employees: 'many' })).toEqual([{ field: 'cf.employees', message: 'must be a number' }]);
    expect(problems({ employees: ' ' })).toEqual([{ field: 'cf.employees', message: 'must be a number' }]);
    expect(problems({ vip: 'yes' })).toEqual([{ field: 'cf.vip', message: 'must be true or false' }]);
    expect(problems({ tier: 'bronze' })).toEqual([{ field: 'cf.tier', message: 'must be one of gold, silver' }]);
    expect(problems({ tier: '' })).toEqual([{ field: 'cf.tier', message: 'needs a value' }]);
  });

  it('bounds the number of filters and values', () => {
    expect(problems({ tier: Array.from({ length: 11 }, () => 'gold') })).toEqual([
      { field: 'cf.tier', message: 'at most 10 values' },
    ]);
    expect(problems(Object.fromEntries(Array.from({ length: 11 }, (_, i) => [`k${i}`, 'x'])))).toEqual([
      { field: 'cf', message: 'at most 10 custom field filters' },
    ]);
  });
});
