import { DEFAULT_ROLE_PERMISSIONS, grants, parseRolePermissions, permissionsForRoles } from './permissions';

const can = (roles: string[], permission: string) => grants(permissionsForRoles(roles), permission);

describe('roles and permissions', () => {
  it('lets admin do everything, including admin actions', () => {
    for (const p of ['contacts:admin', 'sales:write', 'gateway:admin', 'documents:read'])
      expect(can(['admin'], p)).toBe(true);
  });

  it('gives sales contacts, sales, analytics and documents, but no admin actions', () => {
    for (const p of ['contacts:read', 'contacts:write', 'sales:write', 'analytics:read', 'documents:write'])
      expect(can(['sales'], p)).toBe(true);
    for (const p of ['contacts:admin', 'support:read', 'marketing:read', 'analytics:write'])
      expect(can(['sales'], p)).toBe(false);
  });

  it('gives support read access to contacts and its own area', () => {
    for (const p of ['contacts:read', 'support:write', 'documents:write']) expect(can(['support'], p)).toBe(true);
    for (const p of ['contacts:write', 'sales:read', 'analytics:read']) expect(can(['support'], p)).toBe(false);
  });

  it('gives marketing contacts, marketing and analytics reads', () => {
    for (const p of ['contacts:write', 'marketing:write', 'analytics:read']) expect(can(['marketing'], p)).toBe(true);
    for (const p of ['sales:read', 'documents:read']) expect(can(['marketing'], p)).toBe(false);
  });

  it('lets an analyst read every area and write none', () => {
    for (const p of ['contacts:read', 'sales:read', 'analytics:read', 'documents:read', 'anything:read'])
      expect(can(['analyst'], p)).toBe(true);
    for (const p of ['contacts:write', 'analytics:write', 'contacts:admin']) expect(can(['analyst'], p)).toBe(false);
  });

  it('lets read-only read the business areas but not analytics', () => {
    for (const p of ['contacts:read', 'sales:read', 'support:read', 'marketing:read', 'documents:read'])
      expect(can(['read-only'], p)).toBe(true);
    for (const p of ['analytics:read', 'contacts:write']) expect(can(['read-only'], p)).toBe(false);
  });

  it('combines roles and ignores unknown ones', () => {
    expect(can(['support', 'marketing'], 'marketing:write')).toBe(true);
    expect(permissionsForRoles(['nobody', 'toString', '__proto__'])).toEqual([]);
  });

  it('understands area and action wildcards in a grant, never in the requirement', () => {
    expect(grants(['contacts:*'], 'contacts:admin')).toBe(true);
    expect(grants(['*:write'], 'sales:write')).toBe(true);
    expect(grants(['contacts:*'], 'sales:read')).toBe(false);
    expect(grants(['contacts:read'], 'contacts:*')).toBe(false);
  });

  it('reads an override map that replaces the roles it names and keeps the others', () => {
    const map = parseRolePermissions(JSON.stringify({ auditor: ['analytics:read'], sales: ['sales:read'] }));
    expect(map['auditor']).toEqual(['analytics:read']);
    expect(map['sales']).toEqual(['sales:read']);
    expect(map['admin']).toEqual(DEFAULT_ROLE_PERMISSIONS['admin']);
  });

  it.each([
    ['not JSON', '{'],
    ['a list', '["admin"]'],
    ['a role without a list', '{"x":"contacts:read"}'],
    ['a non-string', '{"x":[1]}'],
  ])('refuses an override map that is %s', (_label, json) => {
    expect(() => parseRolePermissions(json)).toThrow();
  });
});
