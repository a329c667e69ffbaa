import { Button, Code, Group, Loader, Stack, Table, Text, TextInput, Title } from '@mantine/core';
import { useInfiniteQuery } from '@tanstack/react-query';
import { useState, type FormEvent } from 'react';
import { api, unwrap } from '../../api/client';
import { ErrorNotice } from '../../components/ErrorNotice';
import { asIso, auditQuery } from '../../lib/admin';
import { ApiError, fieldErrors } from '../../lib/problem';
import { navigate, useLocation } from '../../lib/router';
import { AdminNav } from './AdminNav';

/** The gateway's audit of writes (gateway:admin): who, when, what, how it ended; newest first, keyset "Load more". */
export function AuditLog() {
  const { search } = useLocation();
  const filters = auditQuery(search);
  const [subject, setSubject] = useState(filters.subject ?? '');
  const [since, setSince] = useState(filters.since ?? '');
  const entries = useInfiniteQuery({
    queryKey: ['audit', filters.subject ?? '', filters.since ?? ''],
    queryFn: ({ pageParam, signal }) =>
      unwrap(
        api.GET('/api/v1/admin/audit', {
          params: {
            query: {
              limit: 50,
              ...(filters.subject ? { subject: filters.subject } : {}),
              ...(filters.since ? { since: asIso(filters.since) } : {}),
              ...(pageParam ? { cursor: pageParam } : {}),
            },
          },
          signal,
        }),
      ),
    initialPageParam: '',
    getNextPageParam: (last) => last.nextCursor ?? undefined,
  });
  const errors = fieldErrors(entries.error instanceof ApiError ? entries.error.problem : undefined, [
    'subject',
    'since',
  ]);
  const apply = (e: FormEvent) => {
    e.preventDefault();
    const q = new URLSearchParams();
    if (subject.trim()) q.set('subject', subject.trim());
    if (since) q.set('since', since);
    navigate(`/admin/audit${q.size ? `?${q}` : ''}`, true);
  };
  const rows = entries.data?.pages.flatMap((p) => p.items) ?? [];
  return (
    <Stack>
      <AdminNav />
      <Title order={2}>Audit log</Title>
      <form onSubmit={apply} aria-label="Audit filters">
        <Group align="flex-start">
          <TextInput
            label="Caller"
            description="A user id or api-key:<id>"
            value={subject}
            onChange={(e) => setSubject(e.currentTarget.value)}
            maxLength={200}
            error={errors['subject']}
            w={280}
          />
          <TextInput
            label="Since"
            type="datetime-local"
            value={since}
            onChange={(e) => setSince(e.currentTarget.value)}
            error={errors['since']}
          />
          <Button type="submit" mt={24}>
            Filter
          </Button>
        </Group>
      </form>
      {entries.error && (errors['_form'] || !Object.keys(errors).length) && (
        <ErrorNotice error={entries.error} onRetry={() => void entries.refetch()} />
      )}
      {entries.isPending && <Loader aria-label="Loading the audit log" />}
      {entries.data && !rows.length && <Text role="status">No writes recorded for these filters.</Text>}
      {rows.length > 0 && (
        <Table striped aria-label="Audit log">
          <Table.Thead>
            <Table.Tr>
              <Table.Th scope="col">When</Table.Th>
              <Table.Th scope="col">Caller</Table.Th>
              <Table.Th scope="col">Request</Table.Th>
              <Table.Th scope="col">Service</Table.Th>
              <Table.Th scope="col">Status</Table.Th>
              <Table.Th scope="col">Outcome</Table.Th>
              <Table.Th scope="col">Took</Table.Th>
            </Table.Tr>
          </Table.Thead>
          <Table.Tbody>
            {rows.map((a) => (
              <Table.Tr key={a.id}>
                <Table.Th scope="row">
                  <time dateTime={a.at}>{new Date(a.at).toLocaleString()}</time>
                </Table.Th>
                <Table.Td>
                  {a.subjectName ?? a.subject ?? 'anonymous'}
                  {a.subjectName && a.subject && (
                    <Text size="xs" c="gray.7">
                      {a.subject}
                    </Text>
                  )}
                </Table.Td>
                <Table.Td>
                  <Code>
                    {a.method} {a.path}
                  </Code>
                </Table.Td>
                <Table.Td>{a.service ?? '—'}</Table.Td>
                <Table.Td>{a.status ?? '—'}</Table.Td>
                <Table.Td>{a.outcome}</Table.Td>
                <Table.Td>{a.durationMs === null ? '—' : `${a.durationMs} ms`}</Table.Td>
              </Table.Tr>
            ))}
          </Table.Tbody>
        </Table>
      )}
      {entries.hasNextPage && (
        <Group>
          <Button variant="light" onClick={() => void entries.fetchNextPage()} loading={entries.isFetchingNextPage}>
            Load more
          </Button>
        </Group>
      )}
      {entries.error && entries.data && <ErrorNotice error={entries.error} title="No more entries loaded" />}
    </Stack>
  );
}
