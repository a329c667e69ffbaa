/**
 * What each role may do. A grant is `area:action`, `area:*` (every action in
 * an area), `*:action` (that action in every area) or `*` (everything).
 */
export const DEFAULT_ROLE_PERMISSIONS: Readonly<Record<string, readonly string[]>> = {
  admin: ['*'],
  sales: [
    'contacts:read',
    'contacts:write',
    'sales:read',
    'sales:write',
    'analytics:read',
    'documents:read',
    'documents:write',
  ],
  support: ['contacts:read', 'support:read', 'support:write', 'documents:read', 'documents:write'],
  marketing: ['contacts:read', 'contacts:write', 'marketing:read', 'marketing:write', 'analytics:read'],
  analyst: ['*:read'],
  'read-only': ['contacts:read', 'sales:read', 'support:read', 'marketing:read', 'documents:read'],
};

export type RolePermissions = Readonly<Record<string, readonly string[]>>;

/** The union of the permissions of the roles; unknown roles grant nothing. */
export function permissionsForRoles(
  roles: readonly string[],
  map: RolePermissions = DEFAULT_ROLE_PERMISSIONS,
): string[] {
  return [...new Set(roles.flatMap((r) => (Object.prototype.hasOwnProperty.call(map, r) ? map[r] : [])))];
}

/** Whether the granted permissions include the required one, wildcards allowed in the grant. */
export function grants(granted: readonly string[], required: string): boolean {
  const [area, action] = required.split(':');
  return (
    granted.includes('*') ||
    granted.includes(required) ||
    (action !== undefined && (granted.includes(`${area}:*`) || granted.includes(`*:${action}`)))
  );
}

/**
 * Reads `AUTH_ROLE_PERMISSIONS`: a JSON object of role to permission list.
 * The roles it names replace the defaults; the other default roles stay.
 */
export function parseRolePermissions(
  json: string,
  defaults: RolePermissions = DEFAULT_ROLE_PERMISSIONS,
): RolePermissions {
  let parsed: unknown;
  try {
    parsed = JSON.parse(json);
  } catch {
    throw new Error('must be valid JSON');
  }
  if (typeof parsed !== 'object' || parsed === null || Array.isArray(parsed)) {
    throw new Error('must be a JSON object of role to permission list');
  }
  const map: Record<string, readonly string[]> = { ...defaults };
  for (const [role, list] of Object.entries(parsed)) {
    if (!Array.isArray(list) || !list.every((p): p is string => typeof p === 'string')) {
      throw new Error(`the role ${role} must map to a list of permission strings`);
    }
    map[role] = list;
  }
  return map;
}
