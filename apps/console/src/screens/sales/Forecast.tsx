import { Group, Loader, NativeSelect, Stack, Table, Text, TextInput, Title } from '@mantine/core';
import { keepPreviousData, useQuery } from '@tanstack/react-query';
import { api, unwrap } from '../../api/client';
import { ErrorNotice } from '../../components/ErrorNotice';
import { navigate, useLocation } from '../../lib/router';
import { formatMoney } from '../../lib/sales';
import { SalesNav } from './SalesNav';

type Period = 'month' | 'quarter';

/** Weighted and committed amounts by month or quarter in one currency, as bars and as a table. */
export function Forecast() {
  const { search } = useLocation();
  const params = new URLSearchParams(search);
  const typed = (params.get('currency') ?? 'EUR').toUpperCase();
  const currency = /^[A-Z]{3}$/.test(typed) ? typed : 'EUR';
  const period: Period = params.get('period') === 'quarter' ? 'quarter' : 'month';
  const convert = params.get('convert') === 'true';
  const go = (p: Record<string, string>) => {
    const next = new URLSearchParams({ currency, period, convert: String(convert), ...p });
    navigate(`/sales/forecast?${next.toString()}`, true);
  };
  const forecast = useQuery({
    queryKey: ['forecast', currency, period, convert],
    placeholderData: keepPreviousData,
    queryFn: ({ signal }) =>
      unwrap(
        api.GET('/api/v1/forecast', {
          params: { query: { currency, period, convert: convert ? 'true' : 'false' } },
          signal,
        }),
      ),
  });
  const f = forecast.data;
  const money = (minor: number) => formatMoney(minor, f?.currency ?? currency, f?.currencyDigits ?? 2);
  const widest = Math.max(1, ...(f?.rows ?? []).flatMap((r) => [r.weightedMinor, r.committedMinor]));
  const pct = (v: number) => `${Math.round((v / widest) * 100)}%`;
  return (
    <Stack>
      <SalesNav />
      <Title order={2}>Forecast</Title>
      <Group align="flex-end">
        <TextInput
          label="Currency"
          defaultValue={currency}
          maxLength={3}
          w={100}
          onBlur={(e) => go({ currency: e.currentTarget.value.toUpperCase() })}
          onKeyDown={(e) => e.key === 'Enter' && go({ currency: e.currentTarget.value.toUpperCase() })}
        />
        <NativeSelect
          label="Period"
          value={period}
          onChange={(e) => go({ period: e.currentTarget.value })}
          data={[
            { value: 'month', label: 'By month' },
            { value: 'quarter', label: 'By quarter' },
          ]}
        />
        <NativeSelect
          label="Other currencies"
          value={String(convert)}
          onChange={(e) => go({ convert: e.currentTarget.value })}
          data={[
            { value: 'false', label: `Only deals in ${currency}` },
            { value: 'true', label: `Converted to ${currency}` },
          ]}
        />
      </Group>
      {forecast.error && <ErrorNotice error={forecast.error} onRetry={() => void forecast.refetch()} />}
      {forecast.isPending && <Loader aria-label="Loading the forecast" />}
      {f && !f.rows.length && <Text role="status">No deals in {f.currency} with an expected close date yet.</Text>}
      {f && f.rows.length > 0 && (
        <>
          <figure aria-label="Forecast chart" className="bar-chart" role="img">
            {f.rows.map((r) => (
              <FragmentRow key={`${r.period}-${r.ownerId ?? ''}-${r.pipelineId ?? ''}`} label={r.period}>
                <span className="bar bar-weighted" style={{ width: pct(r.weightedMinor) }} />
                <span className="bar bar-committed" style={{ width: pct(r.committedMinor) }} />
              </FragmentRow>
            ))}
          </figure>
          <Text size="xs">
            <span className="legend-swatch bar-weighted" aria-hidden="true" />
            weighted open · <span className="legend-swatch bar-committed" aria-hidden="true" />
            committed (won)
          </Text>
          <Table striped aria-label="Forecast in numbers">
            <Table.Thead>
              <Table.Tr>
                <Table.Th scope="col">Period</Table.Th>
                <Table.Th scope="col">Open deals</Table.Th>
                <Table.Th scope="col">Open amount</Table.Th>
                <Table.Th scope="col">Weighted</Table.Th>
                <Table.Th scope="col">Won deals</Table.Th>
                <Table.Th scope="col">Committed</Table.Th>
              </Table.Tr>
            </Table.Thead>
            <Table.Tbody>
              {f.rows.map((r) => (
                <Table.Tr key={`${r.period}-${r.ownerId ?? ''}-${r.pipelineId ?? ''}`}>
                  <Table.Th scope="row">{r.period}</Table.Th>
                  <Table.Td>{r.openCount}</Table.Td>
                  <Table.Td>{money(r.openAmountMinor)}</Table.Td>
                  <Table.Td>{money(r.weightedMinor)}</Table.Td>
                  <Table.Td>{r.wonCount}</Table.Td>
                  <Table.Td>{money(r.committedMinor)}</Table.Td>
                </Table.Tr>
              ))}
              <Table.Tr>
                <Table.Th scope="row">Total</Table.Th>
                <Table.Td>{f.totals.openCount}</Table.Td>
                <Table.Td>{money(f.totals.openAmountMinor)}</Table.Td>
                <Table.Td>{money(f.totals.weightedMinor)}</Table.Td>
                <Table.Td>{f.totals.wonCount}</Table.Td>
                <Table.Td>{money(f.totals.committedMinor)}</Table.Td>
              </Table.Tr>
            </Table.Tbody>
          </Table>
          {f.undatedOpenCount > 0 && (
            <Text size="sm">
              {f.undatedOpenCount} open {f.undatedOpenCount === 1 ? 'deal has' : 'deals have'} no expected close date
              and {f.undatedOpenCount === 1 ? 'is' : 'are'} left out.
            </Text>
          )}
        </>
      )}
    </Stack>
  );
}

function FragmentRow({ label, children }: { label: string; children: React.ReactNode }) {
  return (
    <>
      <Text size="xs">{label}</Text>
      <span className="bar-track">{children}</span>
    </>
  );
}
