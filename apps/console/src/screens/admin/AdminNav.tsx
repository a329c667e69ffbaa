import { Group } from '@mantine/core';
import { Link, useLocation } from '../../lib/router';
import { useRoutedServices, type ServiceName } from '../../lib/services';
import { useSession } from '../../session';

/** The admin screens, each listed only for a role that may see it (and, for a service's, when it is routed). */
export const ADMIN_PLACES: { to: string; label: string; permission: string[]; service?: ServiceName }[] = [
  { to: '/admin', label: 'API keys and webhooks', permission: ['gateway:admin', 'webhooks:admin'] },
  { to: '/admin/audit', label: 'Audit log', permission: ['gateway:admin'] },
  { to: '/admin/custom-fields', label: 'Custom fields', permission: ['contacts:read'] },
  { to: '/admin/pipelines', label: 'Pipelines', permission: ['sales:read'], service: 'sales' },
  { to: '/admin/sla', label: 'SLA policies and calendars', permission: ['support:read'], service: 'support' },
  { to: '/admin/roles', label: 'Roles', permission: [] },
];

export function AdminNav() {
  const { path } = useLocation();
  const { can } = useSession();
  const { routed } = useRoutedServices();
  const places = ADMIN_PLACES.filter(
    (p) => (!p.permission.length || p.permission.some((x) => can(x))) && (!p.service || routed(p.service)),
  );
  return (
    <Group component="nav" aria-label="Admin" gap="md">
      {places.map((p) => (
        <Link key={p.to} to={p.to} aria-current={path === p.to ? 'page' : undefined} className="sub-nav-link">
          {p.label}
        </Link>
      ))}
    </Group>
  );
}
