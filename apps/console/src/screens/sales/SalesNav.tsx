import { Group } from '@mantine/core';
import { Link, useLocation } from '../../lib/router';

const PLACES = [
  { to: '/sales', label: 'Pipeline board' },
  { to: '/sales/forecast', label: 'Forecast' },
  { to: '/sales/orders', label: 'Orders' },
];

/** The sales screens, one link each; the current one marked for screen readers too. */
export function SalesNav() {
  const { path } = useLocation();
  return (
    <Group component="nav" aria-label="Sales" gap="md">
      {PLACES.map((p) => (
        <Link key={p.to} to={p.to} aria-current={path === p.to ? 'page' : undefined} className="sub-nav-link">
          {p.label}
        </Link>
      ))}
    </Group>
  );
}
