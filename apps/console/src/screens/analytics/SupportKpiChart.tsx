import { NativeSelect } from '@mantine/core';
import { keepPreviousData, useQuery } from '@tanstack/react-query';
import { api, unwrap, type Schemas } from '../../api/client';
import { pick, type Column, type Figures } from '../../lib/analytics';
import type { ChartProps } from './AnalyticsPage';
import { BarChart, ChartSection } from './ChartSection';

type By = Schemas['SupportKpisDto']['by'];
const BY: readonly [By, string][] = [
  ['team', 'Team'],
  ['agent', 'Agent'],
  ['priority', 'Priority'],
  ['channel', 'Channel'],
];
type Kpis = Schemas['SupportGroupDto'] | Schemas['SupportMonthDto'];

const KPI_COLUMNS: Column[] = [
  { label: 'Tickets', kind: 'count' },
  { label: 'Median first response (business)', kind: 'duration' },
  { label: 'Median first response (calendar)', kind: 'duration' },
  { label: 'Median resolution (business)', kind: 'duration' },
  { label: 'Median resolution (calendar)', kind: 'duration' },
  { label: 'SLA breach rate', kind: 'ratio' },
  { label: 'Backlog', kind: 'count' },
  { label: 'Reopen rate', kind: 'ratio' },
  { label: 'CSAT average', kind: 'decimal' },
  { label: 'CSAT answers', kind: 'count' },
];
const kpiCells = (k: Kpis) => [
  k.tickets,
  k.firstResponseSeconds.business,
  k.firstResponseSeconds.calendar,
  k.resolutionSeconds.business,
  k.resolutionSeconds.calendar,
  k.slaBreachRate,
  k.backlog,
  k.reopenRate,
  k.csat.average,
  k.csat.answers,
];

export function supportGroupFigures(s: Schemas['SupportKpisDto'], byLabel: string): Figures {
  return {
    columns: [{ label: byLabel, kind: 'text' }, ...KPI_COLUMNS],
    rows: s.groups.map((g) => [g.key, ...kpiCells(g)]),
  };
}

export function supportMonthFigures(s: Schemas['SupportKpisDto']): Figures {
  return {
    columns: [{ label: 'Month', kind: 'text' }, ...KPI_COLUMNS],
    rows: s.series.map((m) => [m.month, ...kpiCells(m)]),
  };
}

/** Response and resolution times, SLA breaches, backlog, reopens and CSAT by team, agent, priority or channel. */
export function SupportKpiChart({ filters, search, setOption }: ChartProps) {
  const by = pick(
    search,
    'by',
    BY.map(([b]) => b),
    'team',
  );
  const byLabel = BY.find(([b]) => b === by)?.[1] ?? by;
  const query = { by, from: filters.from, to: filters.to };
  const kpis = useQuery({
    queryKey: ['dash-support', query],
    placeholderData: keepPreviousData,
    queryFn: ({ signal }) => unwrap(api.GET('/api/v1/analytics/support/kpis', { params: { query }, signal })),
  });
  const k = kpis.data;
  const series = [
    { name: 'Tickets', className: 'bar-weighted' },
    { name: 'Backlog', className: 'bar-cost' },
  ];
  return (
    <>
      <ChartSection
        id="support-kpis"
        title={`Support KPIs by ${byLabel.toLowerCase()}`}
        tableLabel="Support KPIs by group in numbers"
        fileName={`support-kpis-by-${by}.csv`}
        query={kpis}
        figures={k && supportGroupFigures(k, byLabel)}
        empty="No ticket in this range yet."
        options={
          <NativeSelect
            label="Group by"
            value={by}
            onChange={(e) => setOption('by', e.currentTarget.value)}
            data={BY.map(([value, label]) => ({ value, label }))}
          />
        }
      >
        {k && (
          <BarChart
            label={`Tickets and backlog by ${byLabel.toLowerCase()}`}
            series={series}
            rows={k.groups.map((g) => ({ label: g.key, values: [g.tickets, g.backlog] }))}
          />
        )}
      </ChartSection>
      <ChartSection
        id="support-months"
        title="Support KPIs by month"
        tableLabel="Support KPIs by month in numbers"
        fileName="support-kpis-by-month.csv"
        query={kpis}
        figures={k && supportMonthFigures(k)}
      >
        {k && (
          <BarChart
            label="Tickets and backlog by month"
            series={series}
            rows={k.series.map((m) => ({ label: m.month, values: [m.tickets, m.backlog] }))}
          />
        )}
      </ChartSection>
    </>
  );
}
