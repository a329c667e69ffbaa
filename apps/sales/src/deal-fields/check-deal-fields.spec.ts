import { checkDealFields, type DealFieldDefinition } from './check-deal-fields';

const defs: DealFieldDefinition[] = [
  { key: 'tier', type: 'enum', required: true, options: ['gold', 'silver'], maxLength: null },
  { key: 'seats', type: 'number', required: false, options: null, maxLength: null },
  { key: 'note', type: 'string', required: false, options: null, maxLength: 5 },
];

describe('deal custom fields', () => {
  it('accepts defined values of the right type', () => {
    expect(checkDealFields({ tier: 'gold', seats: 12, note: 'abc' }, defs)).toEqual([]);
  });

  it('names each bad field', () => {
    expect(checkDealFields({ tier: 'bronze', seats: '12', note: 'too long', other: 1 }, defs)).toEqual([
      { field: 'customFields.tier', message: 'must be one of gold, silver' },
      { field: 'customFields.seats', message: 'must be a number' },
      { field: 'customFields.note', message: 'must be at most 5 characters' },
      { field: 'customFields.other', message: 'is not a defined custom field' },
    ]);
  });

  it('wants a required field on create, and refuses clearing it on update', () => {
    expect(checkDealFields({}, defs)).toEqual([{ field: 'customFields.tier', message: 'is required' }]);
    expect(checkDealFields({}, defs, true)).toEqual([]);
    expect(checkDealFields({ tier: null }, defs, true)).toEqual([
      { field: 'customFields.tier', message: 'is required' },
    ]);
  });
});
