import { NativeSelect } from '@mantine/core';
import { keepPreviousData, useQuery } from '@tanstack/react-query';
import { api, unwrap, type Schemas } from '../../api/client';
import { pick, type Figures } from '../../lib/analytics';
import type { ChartProps } from './AnalyticsPage';
import { BarChart, ChartSection } from './ChartSection';

type Dimension = Schemas['TrendsDto']['dimension'];
const DIMENSIONS: readonly [Dimension, string][] = [
  ['country', 'Country'],
  ['region', 'Region'],
  ['city', 'City'],
  ['ageBand', 'Age band'],
  ['acquisitionChannel', 'Acquisition channel'],
  ['lifecycleStage', 'Lifecycle stage'],
  ['category', 'Product category'],
  ['salesChannel', 'Sales channel'],
];

export function trendGroupFigures(t: Schemas['TrendsDto'], dimensionLabel: string): Figures {
  return {
    columns: [
      { label: dimensionLabel, kind: 'text' },
      { label: 'Revenue', kind: 'money' },
      { label: 'Orders', kind: 'count' },
      { label: 'Customers', kind: 'count' },
      { label: 'Average order', kind: 'money' },
      { label: 'Orders per customer', kind: 'decimal' },
    ],
    rows: t.groups.map((g) => [g.key, g.revenueMinor, g.orders, g.customers, g.averageOrderMinor, g.ordersPerCustomer]),
  };
}

export function trendMonthFigures(t: Schemas['TrendsDto']): Figures {
  return {
    columns: [
      { label: 'Month', kind: 'text' },
      { label: 'Revenue', kind: 'money' },
      { label: 'Orders', kind: 'count' },
      { label: 'Customers', kind: 'count' },
      { label: 'Average order', kind: 'money' },
      { label: 'Revenue vs previous month', kind: 'ratio' },
      { label: 'Revenue vs a year before', kind: 'ratio' },
      { label: 'Orders vs previous month', kind: 'ratio' },
    ],
    rows: t.series.map((m) => [
      m.month,
      m.revenueMinor,
      m.orders,
      m.customers,
      m.averageOrderMinor,
      m.revenueGrowth.previousPeriod,
      m.revenueGrowth.sameMonthLastYear,
      m.ordersGrowth.previousPeriod,
    ]),
  };
}

/** Purchases by a demographic (or sales) dimension, and how they moved month by month. */
export function TrendsChart({ filters, search, setOption }: ChartProps) {
  const dimension = pick(
    search,
    'dimension',
    DIMENSIONS.map(([d]) => d),
    'country',
  );
  const label = DIMENSIONS.find(([d]) => d === dimension)?.[1] ?? dimension;
  const trends = useQuery({
    queryKey: ['dash-trends', filters, dimension],
    placeholderData: keepPreviousData,
    queryFn: ({ signal }) =>
      unwrap(api.GET('/api/v1/analytics/trends', { params: { query: { ...filters, dimension } }, signal })),
  });
  const t = trends.data;
  return (
    <>
      <ChartSection
        id="trends"
        title={`Purchases by ${label.toLowerCase()}`}
        tableLabel="Purchases by group in numbers"
        fileName={`purchases-by-${dimension}.csv`}
        query={trends}
        figures={t && trendGroupFigures(t, label)}
        empty="No purchases in this range yet."
        options={
          <NativeSelect
            label="Group by"
            value={dimension}
            onChange={(e) => setOption('dimension', e.currentTarget.value)}
            data={DIMENSIONS.map(([value, l]) => ({ value, label: l }))}
          />
        }
      >
        {t && (
          <BarChart
            label={`Revenue by ${label.toLowerCase()}`}
            series={[{ name: 'Revenue', className: 'bar-weighted' }]}
            rows={t.groups.map((g) => ({ label: g.key, values: [g.revenueMinor] }))}
          />
        )}
      </ChartSection>
      <ChartSection
        id="trend-months"
        title="Month by month"
        tableLabel="Purchases by month in numbers"
        fileName={`purchases-by-month-${dimension}.csv`}
        query={trends}
        figures={t && trendMonthFigures(t)}
      >
        {t && (
          <BarChart
            label="Revenue by month"
            series={[{ name: 'Revenue', className: 'bar-weighted' }]}
            rows={t.series.map((m) => ({ label: m.month, values: [m.revenueMinor] }))}
          />
        )}
      </ChartSection>
    </>
  );
}
