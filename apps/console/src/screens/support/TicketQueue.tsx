import { Anchor, Badge, Group, Loader, NativeSelect, SegmentedControl, Stack, Table, Text, Title } from '@mantine/core';
import { useQuery } from '@tanstack/react-query';
import { api, unwrap } from '../../api/client';
import { ErrorNotice } from '../../components/ErrorNotice';
import { Link, navigate, useLocation } from '../../lib/router';
import { CsatResults } from './CsatResults';
import { asView } from './support-types';

const VIEWS = [
  { value: 'mine', label: 'Mine' },
  { value: 'team', label: 'Team' },
  { value: 'unassigned', label: 'Unassigned' },
  { value: 'breaching-soon', label: 'Breaching soon' },
];

export function TicketQueue() {
  const { search } = useLocation();
  const params = new URLSearchParams(search);
  const view = asView(params.get('view'));
  const teamId = params.get('team') ?? '';
  const go = (v: string, t = teamId) =>
    navigate(`/support?view=${v}${t ? `&team=${encodeURIComponent(t)}` : ''}`, true);
  const teams = useQuery({
    queryKey: ['teams'],
    queryFn: ({ signal }) => unwrap(api.GET('/api/v1/teams', { params: { query: { limit: 100 } }, signal })),
  });
  const teamItems = teams.data?.items ?? [];

  const tickets = useQuery({
    queryKey: ['tickets', view, teamId],
    enabled: view !== 'team' || !!teamId,
    queryFn: ({ signal }) =>
      unwrap(
        api.GET('/api/v1/tickets', {
          params: { query: { view, limit: 50, ...(teamId && view === 'team' ? { teamId } : {}) } },
          signal,
        }),
      ),
  });
  const rows = tickets.data?.items ?? [];
  return (
    <Stack>
      <Title order={2}>Tickets</Title>
      <Group>
        <SegmentedControl aria-label="Queue" value={view} onChange={(v) => go(v)} data={VIEWS} />
        {view === 'team' && (
          <NativeSelect
            label="Team"
            value={teamId}
            onChange={(e) => go('team', e.currentTarget.value)}
            data={[{ value: '', label: 'Choose a team' }, ...teamItems.map((t) => ({ value: t.id, label: t.name }))]}
          />
        )}
      </Group>
      {tickets.error && <ErrorNotice error={tickets.error} onRetry={() => void tickets.refetch()} />}
      <Table striped aria-label="Tickets">
        <Table.Thead>
          <Table.Tr>
            <Table.Th scope="col">#</Table.Th>
            <Table.Th scope="col">Subject</Table.Th>
            <Table.Th scope="col">Requester</Table.Th>
            <Table.Th scope="col">Status</Table.Th>
            <Table.Th scope="col">Priority</Table.Th>
            <Table.Th scope="col">SLA</Table.Th>
          </Table.Tr>
        </Table.Thead>
        <Table.Tbody>
          {rows.map((t) => (
            <Table.Tr key={t.id}>
              <Table.Td>{t.number}</Table.Td>
              <Table.Td>
                <Anchor component={Link} to={`/support/tickets/${t.id}`}>
                  {t.subject}
                </Anchor>
              </Table.Td>
              <Table.Td>{t.requester.name ?? t.requester.email}</Table.Td>
              <Table.Td>{t.status}</Table.Td>
              <Table.Td>{t.priority}</Table.Td>
              <Table.Td>
                {t.dueAt && (
                  <Badge variant="outline" color={new Date(t.dueAt) < new Date() ? 'red.9' : 'dark'}>
                    next due {new Date(t.dueAt).toLocaleString()}
                  </Badge>
                )}
              </Table.Td>
            </Table.Tr>
          ))}
        </Table.Tbody>
      </Table>
      {tickets.isLoading && <Loader aria-label="Loading tickets" />}
      {view === 'team' && !teamId && <Text role="status">Choose a team to see its queue.</Text>}
      {tickets.isSuccess && !rows.length && <Text role="status">No tickets in this queue.</Text>}
      <CsatResults teams={teamItems} />
    </Stack>
  );
}
