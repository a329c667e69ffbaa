import { Button, Group, NativeSelect, Stack, Text, TextInput, Title } from '@mantine/core';
import { useState, type FormEvent } from 'react';
import { CHANNELS } from '../../lib/contact-query';
import { reportFilters, RFM_SEGMENTS, type ReportFilters } from '../../lib/analytics';
import { Link, navigate, useLocation } from '../../lib/router';
import { AttributionCharts } from './AttributionCharts';
import { CohortHeatmap } from './CohortHeatmap';
import { Dashboard } from './Dashboard';
import { FunnelCharts } from './FunnelCharts';
import { SupportKpiChart } from './SupportKpiChart';
import { TrendsChart } from './TrendsChart';

export const VIEWS = [
  { view: '', label: 'Customer value' },
  { view: 'cohorts', label: 'Cohorts' },
  { view: 'trends', label: 'Purchase trends' },
  { view: 'funnels', label: 'Funnels' },
  { view: 'attribution', label: 'Attribution and ROI' },
  { view: 'support', label: 'Support KPIs' },
] as const;

/** What a chart gets: the dashboard's filters, the address's options, and a way to change an option. */
export interface ChartProps {
  filters: ReportFilters;
  search: string;
  setOption: (name: string, value: string) => void;
}

/** The analytics dashboards: one filter bar for all of them, one dashboard per view. */
export function AnalyticsPage({ view = '' }: { view?: string }) {
  const { path, search } = useLocation();
  const filters = reportFilters(search);
  const setOption = (name: string, value: string) => {
    const next = new URLSearchParams(search);
    if (value) next.set(name, value);
    else next.delete(name);
    const q = next.toString();
    navigate(`${path}${q ? `?${q}` : ''}`, true);
  };
  const current = VIEWS.find((v) => v.view === view);
  if (!current)
    return (
      <Text role="status">
        No such dashboard. <Link to="/analytics">Go to the customer value dashboard</Link>
      </Text>
    );
  const props: ChartProps = { filters, search, setOption };
  return (
    <Stack>
      <Group component="nav" aria-label="Dashboards" gap="md">
        {VIEWS.map((v) => {
          const to = v.view ? `/analytics/${v.view}` : '/analytics';
          return (
            <Link
              key={v.view}
              to={`${to}${search}`}
              className="sub-nav-link"
              aria-current={v.view === view ? 'page' : undefined}
            >
              {v.label}
            </Link>
          );
        })}
      </Group>
      <Title order={2}>{current.label}</Title>
      <FilterBar key={search} filters={filters} search={search} path={path} datesOnly={view === 'support'} />
      {view === '' && <Dashboard {...props} />}
      {view === 'cohorts' && <CohortHeatmap {...props} />}
      {view === 'trends' && <TrendsChart {...props} />}
      {view === 'funnels' && <FunnelCharts {...props} />}
      {view === 'attribution' && <AttributionCharts {...props} />}
      {view === 'support' && <SupportKpiChart {...props} />}
    </Stack>
  );
}

/** The filters every report takes, kept in the address so a filtered dashboard can be shared. */
function FilterBar({
  filters,
  search,
  path,
  datesOnly,
}: {
  filters: ReportFilters;
  search: string;
  path: string;
  /** Support KPIs are counted over tickets, by date only. */
  datesOnly: boolean;
}) {
  const [draft, setDraft] = useState({
    from: filters.from ?? '',
    to: filters.to ?? '',
    country: filters.country ?? '',
    channel: filters.channel ?? '',
    segment: filters.segment ?? '',
  });
  const set = (k: keyof typeof draft) => (e: { currentTarget: { value: string } }) =>
    setDraft({ ...draft, [k]: e.currentTarget.value });
  const apply = (e: FormEvent) => {
    e.preventDefault();
    const next = new URLSearchParams(search);
    for (const [k, v] of Object.entries(draft)) {
      if (datesOnly && k !== 'from' && k !== 'to') continue;
      const value = k === 'country' ? v.trim().toUpperCase() : v.trim();
      if (value) next.set(k, value);
      else next.delete(k);
    }
    const q = next.toString();
    navigate(`${path}${q ? `?${q}` : ''}`, true);
  };
  const countryBad = draft.country.trim() !== '' && !/^[A-Za-z]{2}$/.test(draft.country.trim());
  const rangeBad = !!draft.from && !!draft.to && draft.from > draft.to;
  return (
    <form onSubmit={apply} aria-label="Filters">
      <Group align="flex-end" gap="sm">
        <TextInput
          type="date"
          label="From"
          value={draft.from}
          onChange={set('from')}
          w={160}
          error={rangeBad ? 'Must not be after To' : undefined}
        />
        <TextInput type="date" label="To" value={draft.to} onChange={set('to')} w={160} />
        {!datesOnly && (
          <>
            <TextInput
              label="Country"
              description="ISO code, all when empty"
              value={draft.country}
              onChange={set('country')}
              maxLength={2}
              w={120}
              error={countryBad ? 'Two letters, such as FR' : undefined}
            />
            <NativeSelect
              label="Acquisition channel"
              value={draft.channel}
              onChange={set('channel')}
              data={[{ value: '', label: 'Any' }, ...CHANNELS.map((c) => ({ value: c, label: c.replace('_', ' ') }))]}
            />
            <NativeSelect
              label="RFM segment"
              value={draft.segment}
              onChange={set('segment')}
              data={[{ value: '', label: 'Any' }, ...RFM_SEGMENTS.map(([value, label]) => ({ value, label }))]}
            />
          </>
        )}
        <Button type="submit" disabled={countryBad || rangeBad}>
          Apply filters
        </Button>
      </Group>
    </form>
  );
}
