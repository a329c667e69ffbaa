import { knownAreas, unknownScopes } from './api-key-scopes';

describe('API key scopes', () => {
  const areas = knownAreas(['contacts', 'analytics']);

  it('knows the routed services, the gateway and the areas of the role map', () => {
    expect(areas).toEqual(
      expect.arrayContaining(['contacts', 'analytics', 'gateway', 'sales', 'support', 'marketing', 'documents']),
    );
  });

  it('accepts real permissions and wildcards', () => {
    expect(
      unknownScopes(['contacts:read', 'analytics:*', '*:read', '*', 'gateway:admin', 'sales:write'], areas),
    ).toEqual([]);
  });

  it('names each scope that grants nothing by its index', () => {
    const problems = unknownScopes(
      ['contacts:read', 'nonsense:perm', 'contacts:delete', 'contacts', '*:*', 'contacts:read:x'],
      areas,
    );
    expect(problems.map((p) => p.field)).toEqual(['scopes[1]', 'scopes[2]', 'scopes[3]', 'scopes[4]', 'scopes[5]']);
    expect(problems[0].message).toContain('nonsense:perm');
  });
});
