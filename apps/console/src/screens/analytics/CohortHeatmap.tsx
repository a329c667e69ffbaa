import { NativeSelect, Text } from '@mantine/core';
import { keepPreviousData, useQuery } from '@tanstack/react-query';
import { api, unwrap, type Schemas } from '../../api/client';
import { formatCell, pick, shade, wholeNumber, type Figures } from '../../lib/analytics';
import type { ChartProps } from './AnalyticsPage';
import { ChartSection } from './ChartSection';

const BY = ['firstOrder', 'acquisition'] as const;
const MONTHS = ['3', '6', '12', '24', '36'];

export function cohortFigures(c: Schemas['CohortsDto']): Figures {
  return {
    columns: [
      { label: 'Cohort', kind: 'text' },
      { label: 'Customers', kind: 'count' },
      ...Array.from({ length: c.months }, (_, k) => ({ label: `Month ${k}`, kind: 'ratio' as const })),
    ],
    rows: c.cohorts.map((row) => [
      row.cohort,
      row.customers,
      ...Array.from({ length: c.months }, (_, k) => row.retention[k] ?? null),
    ]),
  };
}

export function cohortRevenueFigures(c: Schemas['CohortsDto']): Figures {
  return {
    columns: [
      { label: 'Cohort', kind: 'text' },
      ...Array.from({ length: c.months }, (_, k) => ({ label: `Month ${k}`, kind: 'money' as const })),
    ],
    rows: c.cohorts.map((row) => [
      row.cohort,
      ...Array.from({ length: c.months }, (_, k) => row.revenueMinor[k] ?? null),
    ]),
  };
}

/** Customers by the month they started, and the share of them buying in each month since, as a heatmap. */
export function CohortHeatmap({ filters, search, setOption }: ChartProps) {
  const by = pick(search, 'cohortBy', BY, 'firstOrder');
  const months = wholeNumber(search, 'months', 1, 60, 12);
  const cohorts = useQuery({
    queryKey: ['dash-cohorts', filters, by, months],
    placeholderData: keepPreviousData,
    queryFn: ({ signal }) =>
      unwrap(api.GET('/api/v1/analytics/cohorts', { params: { query: { ...filters, by, months } }, signal })),
  });
  const c = cohorts.data;
  const options = (
    <>
      <NativeSelect
        label="Cohort by"
        value={by}
        onChange={(e) => setOption('cohortBy', e.currentTarget.value)}
        data={[
          { value: 'firstOrder', label: 'Month of the first order' },
          { value: 'acquisition', label: 'Month acquired' },
        ]}
      />
      <NativeSelect
        label="Months followed"
        value={String(months)}
        onChange={(e) => setOption('months', e.currentTarget.value)}
        data={MONTHS.includes(String(months)) ? MONTHS : [...MONTHS, String(months)]}
      />
    </>
  );
  return (
    <>
      <ChartSection
        id="cohorts"
        title="Cohort retention"
        tableLabel="Cohort retention in numbers"
        fileName="cohort-retention.csv"
        query={cohorts}
        figures={c && cohortFigures(c)}
        options={options}
        empty="No cohort in this range yet."
        summary={
          c && (
            <Text size="sm">
              {c.cohorts.length} cohorts from {c.from} to {c.to}; each cell is the share of the cohort with an order in
              that month since.
            </Text>
          )
        }
      >
        {c && (
          <div className="heatmap" aria-hidden="true" style={{ gridTemplateColumns: `8ch repeat(${c.months}, 1fr)` }}>
            <span />
            {Array.from({ length: c.months }, (_, k) => (
              <span key={k} className="heat-label">
                {k}
              </span>
            ))}
            {c.cohorts.map((row) => (
              <Row key={row.cohort} cohort={row} months={c.months} />
            ))}
          </div>
        )}
      </ChartSection>
      <ChartSection
        id="cohort-revenue"
        title="Cohort revenue"
        tableLabel="Cohort revenue in numbers"
        fileName="cohort-revenue.csv"
        query={cohorts}
        figures={c && cohortRevenueFigures(c)}
        empty="No cohort in this range yet."
      />
    </>
  );
}

function Row({ cohort, months }: { cohort: Schemas['CohortDto']; months: number }) {
  return (
    <>
      <span className="heat-label">{cohort.cohort}</span>
      {Array.from({ length: months }, (_, k) => {
        const r = cohort.retention[k] ?? null;
        return (
          <span key={k} className="heat" data-shade={shade(r)}>
            {r === null ? '' : formatCell(r, 'ratio').replace(' %', '')}
          </span>
        );
      })}
    </>
  );
}
