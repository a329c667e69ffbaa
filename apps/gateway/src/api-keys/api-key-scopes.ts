import { DEFAULT_ROLE_PERMISSIONS, type FieldProblem } from '@crm/platform';

export const ACTIONS = ['read', 'write', 'admin'] as const;

/**
 * The areas a permission can name: the services the gateway routes to, the
 * gateway itself, and every area the role map knows (services still to come).
 */
export function knownAreas(services: readonly string[]): string[] {
  const fromRoles = Object.values(DEFAULT_ROLE_PERMISSIONS)
    .flat()
    .map((p) => p.split(':')[0])
    .filter((a) => a !== '*');
  return [...new Set(['gateway', 'webhooks', ...services, ...fromRoles])].sort();
}

/**
 * Each scope that grants nothing real, named by its index (`scopes[2]`):
 * a permission is `area:action`, `area:*`, `*:action` or `*`, with a known
 * area and action.
 */
export function unknownScopes(scopes: readonly string[], areas: readonly string[]): FieldProblem[] {
  const problems: FieldProblem[] = [];
  scopes.forEach((scope, i) => {
    if (scope === '*') return;
    const [area, action, ...rest] = scope.split(':');
    const areaOk = area === '*' || areas.includes(area);
    const actionOk = action === '*' || (ACTIONS as readonly string[]).includes(action ?? '');
    if (rest.length === 0 && action !== undefined && areaOk && actionOk && !(area === '*' && action === '*')) return;
    problems.push({
      field: `scopes[${i}]`,
      message: `"${scope}" is not a known permission: use area:action with an area of ${areas.join(', ')} (or *) and an action of ${ACTIONS.join(', ')} (or *), or *`,
    });
  });
  return problems;
}
