import { Group, Loader, Stack, Table, Text, TextInput, Title } from '@mantine/core';
import { useQuery } from '@tanstack/react-query';
import { useState } from 'react';
import { api, unwrap, type Schemas } from '../../api/client';
import { ErrorNotice } from '../../components/ErrorNotice';
import { money } from '../../lib/board';
import { useDebounced } from '../../lib/use-debounced';

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
const pct = (x: number) => `${(x * 100).toFixed(1)} %`;

/** Customer value at a glance: the RFM grid and the CLV distribution, each with its numbers as a table. */
export function Dashboard() {
  const [country, setCountry] = useState('');
  const c = useDebounced(country.trim().toUpperCase(), 300);
  const query = c.length === 2 ? { country: c } : {};
  const rfm = useQuery({
    queryKey: ['dash-rfm', c],
    queryFn: ({ signal }) => unwrap(api.GET('/api/v1/analytics/rfm', { params: { query: query as never }, signal })),
  });
  const clv = useQuery({
    queryKey: ['dash-clv', c],
    queryFn: ({ signal }) =>
      unwrap(api.GET('/api/v1/analytics/clv/distribution', { params: { query: query as never }, signal })),
  });
  const currency = 'EUR';
  return (
    <Stack>
      <Title order={2}>Customer value dashboard</Title>
      <TextInput
        label="Country (ISO code, all when empty)"
        value={country}
        onChange={(e) => setCountry(e.currentTarget.value)}
        maxLength={2}
        w={260}
      />
      <section aria-labelledby="rfm-title">
        <Title order={3} size="h4" id="rfm-title">
          RFM segments
        </Title>
        {rfm.error && <ErrorNotice error={rfm.error} onRetry={() => void rfm.refetch()} />}
        {rfm.isPending && <Loader aria-label="Loading RFM segments" />}
        {rfm.data && (
          <>
            <Text size="sm" role="status">
              {rfm.data.customers} customers scored
              {rfm.data.calibrationEnd ? ` up to ${rfm.data.calibrationEnd}` : ' (no recompute yet)'}
            </Text>
            <div className="rfm-grid" aria-hidden="true">
              {GRID.map((g) => {
                const s = rfm.data.segments[g.key];
                return (
                  <div key={g.key} className={`rfm-cell rfm-${g.area}`} data-share={Math.round(s.share * 10)}>
                    <strong>{g.label}</strong>
                    <span>
                      {s.customers} · {pct(s.share)}
                    </span>
                  </div>
                );
              })}
            </div>
            <Table striped aria-label="RFM segments in numbers">
              <Table.Thead>
                <Table.Tr>
                  <Table.Th scope="col">Segment</Table.Th>
                  <Table.Th scope="col">Customers</Table.Th>
                  <Table.Th scope="col">Share</Table.Th>
                  <Table.Th scope="col">Monetary</Table.Th>
                  <Table.Th scope="col">Mean recency (days)</Table.Th>
                  <Table.Th scope="col">Mean frequency</Table.Th>
                </Table.Tr>
              </Table.Thead>
              <Table.Tbody>
                {GRID.map((g) => {
                  const s = rfm.data.segments[g.key];
                  return (
                    <Table.Tr key={g.key}>
                      <Table.Th scope="row">{g.label}</Table.Th>
                      <Table.Td>{s.customers}</Table.Td>
                      <Table.Td>{pct(s.share)}</Table.Td>
                      <Table.Td>{money(s.monetaryMinor, currency)}</Table.Td>
                      <Table.Td>{s.meanRecencyDays?.toFixed(1) ?? '—'}</Table.Td>
                      <Table.Td>{s.meanFrequency?.toFixed(2) ?? '—'}</Table.Td>
                    </Table.Tr>
                  );
                })}
              </Table.Tbody>
            </Table>
          </>
        )}
      </section>
      <section aria-labelledby="clv-title">
        <Title order={3} size="h4" id="clv-title">
          CLV distribution
        </Title>
        {clv.error && <ErrorNotice error={clv.error} onRetry={() => void clv.refetch()} />}
        {clv.isPending && <Loader aria-label="Loading the CLV distribution" />}
        {clv.data && (
          <>
            <Group gap="lg">
              <Text size="sm">{clv.data.customers} customers with a CLV</Text>
              <Text size="sm">Total {money(clv.data.totalClvMinor, currency)}</Text>
              <Text size="sm">
                Mean {clv.data.meanClvMinor === null ? '—' : money(Math.round(clv.data.meanClvMinor), currency)}
              </Text>
              <Text size="sm">Mean P(alive) {clv.data.meanPAlive === null ? '—' : pct(clv.data.meanPAlive)}</Text>
            </Group>
            <div className="bars" aria-hidden="true">
              {clv.data.deciles.map((v, i) => {
                const max = Math.max(1, ...clv.data.deciles);
                return (
                  <div
                    key={i}
                    className="bar"
                    data-h={Math.round((Math.max(0, v) / max) * 10)}
                    title={`P${(i + 1) * 10}`}
                  />
                );
              })}
            </div>
            <Table striped aria-label="CLV by decile in numbers">
              <Table.Thead>
                <Table.Tr>
                  <Table.Th scope="col">Percentile</Table.Th>
                  <Table.Th scope="col">CLV</Table.Th>
                </Table.Tr>
              </Table.Thead>
              <Table.Tbody>
                {clv.data.deciles.map((v, i) => (
                  <Table.Tr key={i}>
                    <Table.Th scope="row">{(i + 1) * 10}th</Table.Th>
                    <Table.Td>{money(v, currency)}</Table.Td>
                  </Table.Tr>
                ))}
              </Table.Tbody>
            </Table>
            {!clv.data.deciles.length && <Text size="sm">No customer has a CLV yet.</Text>}
          </>
        )}
      </section>
    </Stack>
  );
}
