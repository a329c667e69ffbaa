/** What each role may do. `*` is everything; `area:*` every action in an area. */
export const DEFAULT_ROLE_PERMISSIONS: Record<string, string[]> = {
  admin: ['*'],
  sales: ['contacts:read', 'contacts:write', 'sales:read', 'sales:write', 'analytics:read', 'documents:read', 'documents:write'],
  support: ['contacts:read', 'support:read', 'support:write', 'documents:read', 'documents:write', 'sales:read'],
  marketing: ['contacts:read', 'contacts:write', 'marketing:read', 'marketing:write', 'analytics:read', 'documents:read'],
  analyst: ['contacts:read', 'sales:read', 'support:read', 'marketing:read', 'analytics:read', 'documents:read'],
  'read-only': ['contacts:read', 'sales:read', 'support:read', 'marketing:read', 'documents:read'],
};

export function permissionsForRoles(roles: string[], map: Record<string, string[]> = DEFAULT_ROLE_PERMISSIONS): string[] {
  return [...new Set(roles.flatMap((r) => map[r] ?? []))];
}

/** Whether the granted permissions include the required one (wildcards allowed in the grant). */
export function grants(granted: string[], required: string): boolean {
  const [area] = required.split(':');
  return granted.includes('*') || granted.includes(required) || granted.includes(`${area}:*`);
}
