import { Group } from '@mantine/core';
import { Link, useLocation } from '../../lib/router';

/** The marketing screens, one link each. */
export function MarketingNav() {
  const { path } = useLocation();
  const current = (to: string) => (path === to ? 'page' : undefined);
  return (
    <Group component="nav" aria-label="Marketing" gap="md">
      <Link to="/marketing" className="sub-nav-link" aria-current={current('/marketing')}>
        Segment builder
      </Link>
      <Link to="/marketing/campaigns" className="sub-nav-link" aria-current={current('/marketing/campaigns')}>
        Campaigns
      </Link>
      <Link to="/marketing/promotions" className="sub-nav-link" aria-current={current('/marketing/promotions')}>
        Promotions
      </Link>
      <Link to="/marketing/loyalty" className="sub-nav-link" aria-current={current('/marketing/loyalty')}>
        Loyalty
      </Link>
      <Link
        to="/marketing/surveys"
        className="sub-nav-link"
        aria-current={path.startsWith('/marketing/surveys') ? 'page' : undefined}
      >
        Surveys
      </Link>
    </Group>
  );
}
