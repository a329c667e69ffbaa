import { checkCustomFields } from './check-custom-fields';

const defs = [
  { key: 'tier', type: 'enum' as const, required: true, options: ['gold', 'silver'], pattern: null, maxLength: null },
  { key: 'employees', type: 'number' as const, required: false, options: null, pattern: null, maxLength: null },
  {
    key: 'vat',
    type: 'string' as const,
    required: false,
    options: null,
    pattern: '^[A-Z]{2}[0-9A-Z]+$',
    maxLength: 14,
  },
  { key: 'renewal', type: 'date' as const, required: false, options: null, pattern: null, maxLength: null },
  { key: 'vip', type: 'boolean' as const, required: false, options: null, pattern: null, maxLength: null },
];

describe('custom field values', () => {
  it('accepts values of the defined types', () => {
    expect(
      checkCustomFields({ tier: 'gold', employees: 12, vat: 'FR123', renewal: '2027-01-31', vip: true }, defs),
    ).toEqual([]);
  });

  it('names each wrong, unknown or missing field', () => {
    const problems = checkCustomFields(
      { employees: 'many', vat: 'fr-lower', renewal: '31/01/2027', vip: 'yes', colour: 'red' },
      defs,
    );
    expect(problems.map((p) => p.field).sort()).toEqual(
      [
        'customFields.colour',
        'customFields.employees',
        'customFields.renewal',
        'customFields.tier',
        'customFields.vat',
        'customFields.vip',
      ].sort(),
    );
  });

  it('lets a partial update leave required fields out but not clear them', () => {
    expect(checkCustomFields({ employees: 3 }, defs, true)).toEqual([]);
    expect(checkCustomFields({ tier: null }, defs, true)).toEqual([
      { field: 'customFields.tier', message: 'is required' },
    ]);
  });
});
