import { Loader, Stack, Table, Text, Title } from '@mantine/core';
import { useQuery } from '@tanstack/react-query';
import { api, unwrap } from '../../api/client';
import { ErrorNotice } from '../../components/ErrorNotice';
import { Link } from '../../lib/router';
import { warrantyWords, type Ticket } from './support-types';

/** What the customer owns (model, serial, warranty) and the tickets they opened before, each with its asset. */
export function CustomerAssets({ ticket }: { ticket: Ticket }) {
  const contactId = ticket.requester.id ?? '';
  const assets = useQuery({
    queryKey: ['assets', contactId],
    enabled: !!contactId,
    queryFn: ({ signal }) =>
      unwrap(api.GET('/api/v1/assets', { params: { query: { contactId, limit: 100 } }, signal })),
  });
  const earlier = useQuery({
    queryKey: ['tickets', 'requester', contactId],
    enabled: !!contactId,
    queryFn: ({ signal }) =>
      unwrap(api.GET('/api/v1/tickets', { params: { query: { requesterId: contactId, limit: 50 } }, signal })),
  });
  if (!contactId) return <Text size="sm">The requester is not a known contact: no assets or earlier tickets.</Text>;
  const owned = assets.data?.items ?? [];
  const modelOf = (assetId: string | null) => owned.find((a) => a.id === assetId);
  const others = (earlier.data?.items ?? []).filter((t) => t.id !== ticket.id);
  return (
    <Stack gap="xs">
      <Title order={3} size="h4">
        The customer’s assets
      </Title>
      {assets.error && <ErrorNotice error={assets.error} onRetry={() => void assets.refetch()} />}
      {assets.isLoading && <Loader aria-label="Loading assets" size="sm" />}
      {assets.data && !owned.length && <Text size="sm">No assets bought yet.</Text>}
      {owned.length > 0 && (
        <Table striped aria-label="Assets of the customer">
          <Table.Thead>
            <Table.Tr>
              <Table.Th scope="col">Model</Table.Th>
              <Table.Th scope="col">Serial number</Table.Th>
              <Table.Th scope="col">Bought</Table.Th>
              <Table.Th scope="col">Warranty</Table.Th>
            </Table.Tr>
          </Table.Thead>
          <Table.Tbody>
            {owned.map((a) => (
              <Table.Tr key={a.id} aria-current={a.id === ticket.assetId ? 'true' : undefined}>
                <Table.Th scope="row">
                  {a.model}
                  {a.id === ticket.assetId ? ' (this ticket)' : ''}
                </Table.Th>
                <Table.Td>{a.serialNumber ?? 'none recorded'}</Table.Td>
                <Table.Td>
                  {new Date(a.boughtAt).toLocaleDateString(undefined, { dateStyle: 'medium' })} · {a.channel}
                </Table.Td>
                <Table.Td>{warrantyWords(a)}</Table.Td>
              </Table.Tr>
            ))}
          </Table.Tbody>
        </Table>
      )}
      <Title order={3} size="h4">
        Earlier tickets
      </Title>
      {earlier.error && <ErrorNotice error={earlier.error} onRetry={() => void earlier.refetch()} />}
      {earlier.data && !others.length && <Text size="sm">None before this one.</Text>}
      {others.length > 0 && (
        <Table striped aria-label="Earlier tickets of the customer">
          <Table.Thead>
            <Table.Tr>
              <Table.Th scope="col">Ticket</Table.Th>
              <Table.Th scope="col">Status</Table.Th>
              <Table.Th scope="col">About</Table.Th>
              <Table.Th scope="col">Opened</Table.Th>
            </Table.Tr>
          </Table.Thead>
          <Table.Tbody>
            {others.map((t) => {
              const asset = modelOf(t.assetId);
              return (
                <Table.Tr key={t.id}>
                  <Table.Td>
                    <Link to={`/support/tickets/${t.id}`}>
                      #{t.number} {t.subject}
                    </Link>
                  </Table.Td>
                  <Table.Td>{t.status}</Table.Td>
                  <Table.Td>
                    {asset ? `${asset.model}${asset.serialNumber ? ` (${asset.serialNumber})` : ''}` : 'no asset'}
                  </Table.Td>
                  <Table.Td>{new Date(t.createdAt).toLocaleString()}</Table.Td>
                </Table.Tr>
              );
            })}
          </Table.Tbody>
        </Table>
      )}
    </Stack>
  );
}
