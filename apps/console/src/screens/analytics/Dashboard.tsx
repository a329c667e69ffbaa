import { Group, Text } from '@mantine/core';
import { keepPreviousData, useQuery } from '@tanstack/react-query';
import { api, unwrap, type Schemas } from '../../api/client';
import { formatCell, type Figures } from '../../lib/analytics';
import type { ChartProps } from './AnalyticsPage';
import { BarChart, ChartSection } from './ChartSection';

type Rfm = Schemas['RfmDistributionDto'];
type Segments = Rfm['segments'];

/** The classic RFM grid: recency across, frequency and money down; each cell one named segment. */
const GRID: { key: keyof Segments; label: string; area: string }[] = [
  { key: 'cannot_lose', label: 'Cannot lose', area: 'a' },
  { key: 'loyal', label: 'Loyal', area: 'b' },
  { key: 'champions', label: 'Champions', area: 'c' },
  { key: 'at_risk', label: 'At risk', area: 'd' },
  { key: 'need_attention', label: 'Need attention', area: 'e' },
  { key: 'potential_loyalist', label: 'Potential loyalist', area: 'f' },
  { key: 'hibernating', label: 'Hibernating', area: 'g' },
  { key: 'about_to_sleep', label: 'About to sleep', area: 'h' },
  { key: 'promising', label: 'Promising', area: 'i' },
  { key: 'new', label: 'New', area: 'j' },
];

export function rfmFigures(rfm: Rfm): Figures {
  return {
    columns: [
      { label: 'Segment', kind: 'text' },
      { label: 'Customers', kind: 'count' },
      { label: 'Share', kind: 'ratio' },
      { label: 'Monetary', kind: 'money' },
      { label: 'Mean recency (days)', kind: 'days' },
      { label: 'Mean frequency', kind: 'decimal' },
    ],
    rows: GRID.map((g) => {
      const s = rfm.segments[g.key];
      return [g.label, s.customers, s.share, s.monetaryMinor, s.meanRecencyDays, s.meanFrequency];
    }),
  };
}

export function clvFigures(clv: Schemas['ClvDistributionDto']): Figures {
  return {
    columns: [
      { label: 'Percentile', kind: 'text' },
      { label: 'CLV', kind: 'money' },
    ],
    rows: clv.deciles.map((v, i) => [`${(i + 1) * 10}th`, v]),
  };
}

/** Customer value at a glance: the RFM grid and the CLV distribution, each with its numbers as a table and a CSV. */
export function Dashboard({ filters }: ChartProps) {
  const rfm = useQuery({
    queryKey: ['dash-rfm', filters],
    placeholderData: keepPreviousData,
    queryFn: ({ signal }) => unwrap(api.GET('/api/v1/analytics/rfm', { params: { query: filters }, signal })),
  });
  const clv = useQuery({
    queryKey: ['dash-clv', filters],
    placeholderData: keepPreviousData,
    queryFn: ({ signal }) =>
      unwrap(api.GET('/api/v1/analytics/clv/distribution', { params: { query: filters }, signal })),
  });
  return (
    <>
      <ChartSection
        id="rfm"
        title="RFM segments"
        tableLabel="RFM segments in numbers"
        fileName="rfm-segments.csv"
        query={rfm}
        figures={rfm.data && rfmFigures(rfm.data)}
        summary={
          rfm.data && (
            <Text size="sm" role="status">
              {rfm.data.customers} customers scored
              {rfm.data.calibrationEnd ? ` up to ${rfm.data.calibrationEnd}` : ' (no recompute yet)'}
            </Text>
          )
        }
      >
        {rfm.data && (
          <div className="rfm-grid" aria-hidden="true">
            {GRID.map((g) => {
              const s = rfm.data.segments[g.key];
              return (
                <div key={g.key} className={`rfm-cell rfm-${g.area}`} data-share={Math.round(s.share * 10)}>
                  <strong>{g.label}</strong>
                  <span>
                    {s.customers} · {formatCell(s.share, 'ratio')}
                  </span>
                </div>
              );
            })}
          </div>
        )}
      </ChartSection>
      <ChartSection
        id="clv"
        title="CLV distribution"
        tableLabel="CLV by decile in numbers"
        fileName="clv-deciles.csv"
        query={clv}
        figures={clv.data && clvFigures(clv.data)}
        empty="No customer has a CLV yet."
        summary={
          clv.data && (
            <Group gap="lg">
              <Text size="sm">{clv.data.customers} customers with a CLV</Text>
              <Text size="sm">Total {formatCell(clv.data.totalClvMinor, 'money')}</Text>
              <Text size="sm">
                Mean {formatCell(clv.data.meanClvMinor === null ? null : Math.round(clv.data.meanClvMinor), 'money')}
              </Text>
              <Text size="sm">Mean P(alive) {formatCell(clv.data.meanPAlive, 'ratio')}</Text>
              <Text size="sm">Mean churn risk {formatCell(clv.data.meanChurnRisk, 'ratio')}</Text>
            </Group>
          )
        }
      >
        {clv.data && (
          <BarChart
            label="CLV at each decile"
            series={[{ name: 'CLV', className: 'bar-weighted' }]}
            rows={clv.data.deciles.map((v, i) => ({ label: `P${(i + 1) * 10}`, values: [v] }))}
          />
        )}
      </ChartSection>
    </>
  );
}
