import { Group, SegmentedControl, Stack, Table, Text, Title } from '@mantine/core';
import { useQuery } from '@tanstack/react-query';
import { useState } from 'react';
import { api, unwrap } from '../../api/client';
import { ErrorNotice } from '../../components/ErrorNotice';
import type { Team } from './support-types';

/** Customer satisfaction: answers and the average score (1-5) per agent or per team. */
export function CsatResults({ teams }: { teams: Team[] }) {
  const [by, setBy] = useState<'agent' | 'team'>('team');
  const results = useQuery({
    queryKey: ['csat-results', by],
    queryFn: ({ signal }) => unwrap(api.GET('/api/v1/csat/results', { params: { query: { by } }, signal })),
  });
  const agents = useQuery({
    queryKey: ['agents'],
    enabled: by === 'agent',
    queryFn: ({ signal }) => unwrap(api.GET('/api/v1/agents', { params: { query: { limit: 200 } }, signal })),
  });
  const nameOf = (id: string | null) =>
    id === null
      ? by === 'team'
        ? 'No team'
        : 'Nobody assigned'
      : ((by === 'team' ? teams : (agents.data?.items ?? [])).find((x) => x.id === id)?.name ?? id);
  const items = results.data?.items ?? [];
  const answers = items.reduce((n, r) => n + r.answers, 0);
  return (
    <Stack gap="xs" component="section" aria-label="Customer satisfaction">
      <Group justify="space-between">
        <Title order={3} size="h4">
          Customer satisfaction
        </Title>
        <SegmentedControl
          aria-label="CSAT by"
          size="xs"
          value={by}
          onChange={(v) => setBy(v === 'agent' ? 'agent' : 'team')}
          data={[
            { value: 'team', label: 'By team' },
            { value: 'agent', label: 'By agent' },
          ]}
        />
      </Group>
      {results.error && <ErrorNotice error={results.error} onRetry={() => void results.refetch()} />}
      {results.data && !items.length && <Text size="sm">No survey answered yet.</Text>}
      {items.length > 0 && (
        <Table striped aria-label={`CSAT by ${by}`}>
          <Table.Thead>
            <Table.Tr>
              <Table.Th scope="col">{by === 'team' ? 'Team' : 'Agent'}</Table.Th>
              <Table.Th scope="col">Answers</Table.Th>
              <Table.Th scope="col">Average (1 to 5)</Table.Th>
            </Table.Tr>
          </Table.Thead>
          <Table.Tbody>
            {items.map((r) => (
              <Table.Tr key={r.id ?? 'none'}>
                <Table.Th scope="row">{nameOf(r.id)}</Table.Th>
                <Table.Td>{r.answers}</Table.Td>
                <Table.Td>{r.average.toFixed(2)}</Table.Td>
              </Table.Tr>
            ))}
          </Table.Tbody>
        </Table>
      )}
      {answers > 0 && <Text size="xs">{answers} answers in all.</Text>}
    </Stack>
  );
}
