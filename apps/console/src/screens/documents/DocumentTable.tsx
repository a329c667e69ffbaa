import { Anchor, Loader, Table, Text } from '@mantine/core';
import { useQuery } from '@tanstack/react-query';
import { api, download, unwrap, type Schemas } from '../../api/client';
import { ErrorNotice } from '../../components/ErrorNotice';
import { Link } from '../../lib/router';

export type RecordKind = Schemas['LinkDto']['kind'];
export const KINDS: RecordKind[] = ['contact', 'account', 'deal', 'quote', 'order', 'ticket', 'campaign'];

/** Bytes as a person reads them. */
export function size(bytes: number): string {
  if (bytes < 1024) return `${bytes} B`;
  if (bytes < 1024 * 1024) return `${(bytes / 1024).toFixed(1)} KB`;
  return `${(bytes / 1024 / 1024).toFixed(1)} MB`;
}

/** The documents linked to one record: open the current file, or the document's page (versions, preview, hold). */
export function DocumentTable({
  recordKind,
  recordId,
  label = 'Documents of the record',
}: {
  recordKind: RecordKind;
  recordId: string;
  label?: string;
}) {
  const docs = useQuery({
    queryKey: ['documents', recordKind, recordId],
    queryFn: ({ signal }) =>
      unwrap(api.GET('/api/v1/documents', { params: { query: { recordKind, recordId, limit: 50 } }, signal })),
  });
  if (docs.error) return <ErrorNotice error={docs.error} onRetry={() => void docs.refetch()} />;
  if (!docs.data) return <Loader aria-label="Loading documents" />;
  if (!docs.data.items.length) return <Text role="status">No documents yet.</Text>;
  return (
    <Table striped aria-label={label}>
      <Table.Thead>
        <Table.Tr>
          <Table.Th scope="col">Title</Table.Th>
          <Table.Th scope="col">Type</Table.Th>
          <Table.Th scope="col">File</Table.Th>
          <Table.Th scope="col">Versions</Table.Th>
          <Table.Th scope="col">Added</Table.Th>
        </Table.Tr>
      </Table.Thead>
      <Table.Tbody>
        {docs.data.items.map((d) => (
          <Table.Tr key={d.id}>
            <Table.Td>
              <Anchor
                component="button"
                type="button"
                onClick={() =>
                  void download(`/api/v1/documents/${d.id}/content`, d.currentVersion?.fileName ?? d.title)
                }
              >
                {d.title}
              </Anchor>
              {d.underHold && (
                <Text span size="xs" c="red.9">
                  {' '}
                  · on legal hold
                </Text>
              )}
            </Table.Td>
            <Table.Td>{d.type}</Table.Td>
            <Table.Td>
              {d.currentVersion ? `${d.currentVersion.fileName} · ${size(d.currentVersion.size)}` : 'no file yet'}
            </Table.Td>
            <Table.Td>
              <Link
                to={`/documents/${d.id}`}
                aria-label={`${d.versionCount === 1 ? '1 version' : `${d.versionCount} versions`} of ${d.title}`}
              >
                {d.versionCount === 1 ? '1 version' : `${d.versionCount} versions`}
              </Link>
            </Table.Td>
            <Table.Td>{new Date(d.createdAt).toLocaleString()}</Table.Td>
          </Table.Tr>
        ))}
      </Table.Tbody>
    </Table>
  );
}
