import { Anchor, Button, Group, Loader, Stack, Table, Text, TextInput, Title } from '@mantine/core';
import { useInfiniteQuery } from '@tanstack/react-query';
import { useEffect, useRef, useState } from 'react';
import { api, unwrap } from '../api/client';
import { ErrorNotice } from '../components/ErrorNotice';
import { Link } from '../lib/router';
import { useDebounced } from '../lib/use-debounced';
import { useSession } from '../session';

export function AccountsList() {
  const { can } = useSession();
  const [q, setQ] = useState('');
  const settled = useDebounced(q.trim(), 250);
  const list = useInfiniteQuery({
    queryKey: ['accounts', settled],
    initialPageParam: undefined as string | undefined,
    queryFn: ({ pageParam, signal }) =>
      unwrap(
        api.GET('/api/v1/accounts', {
          params: {
            query: {
              limit: 50,
              ...(settled ? { q: settled } : {}),
              ...(pageParam ? { cursor: pageParam } : {}),
            } as never,
          },
          signal,
        }),
      ),
    getNextPageParam: (last) => last.nextCursor ?? undefined,
  });
  const rows = list.data?.pages.flatMap((p) => p.items) ?? [];
  const sentinel = useRef<HTMLDivElement>(null);
  useEffect(() => {
    const el = sentinel.current;
    if (!el) return;
    const seen = new IntersectionObserver((e) => {
      if (e.some((x) => x.isIntersecting) && list.hasNextPage && !list.isFetchingNextPage) void list.fetchNextPage();
    });
    seen.observe(el);
    return () => seen.disconnect();
  }, [list]);
  return (
    <Stack>
      <Group justify="space-between">
        <Title order={2}>Accounts</Title>
        {can('contacts:write') && (
          <Button component={Link} to="/accounts/new">
            New account
          </Button>
        )}
      </Group>
      <TextInput
        label="Search accounts"
        value={q}
        onChange={(e) => setQ(e.currentTarget.value)}
        maxLength={200}
        w={300}
      />
      {list.error && <ErrorNotice error={list.error} onRetry={() => void list.refetch()} />}
      <Table striped aria-label="Accounts">
        <Table.Thead>
          <Table.Tr>
            <Table.Th scope="col">Name</Table.Th>
            <Table.Th scope="col">Domain</Table.Th>
            <Table.Th scope="col">Industry</Table.Th>
            <Table.Th scope="col">Size</Table.Th>
            <Table.Th scope="col">Country</Table.Th>
          </Table.Tr>
        </Table.Thead>
        <Table.Tbody>
          {rows.map((a) => (
            <Table.Tr key={a.id}>
              <Table.Td>
                {can('contacts:write') ? (
                  <Anchor component={Link} to={`/accounts/${a.id}/edit`}>
                    {a.name}
                  </Anchor>
                ) : (
                  a.name
                )}
              </Table.Td>
              <Table.Td>{a.domain}</Table.Td>
              <Table.Td>{a.industry}</Table.Td>
              <Table.Td>{a.sizeBand}</Table.Td>
              <Table.Td>{a.country}</Table.Td>
            </Table.Tr>
          ))}
        </Table.Tbody>
      </Table>
      {list.isPending && <Loader aria-label="Loading accounts" />}
      {!list.isPending && !rows.length && !list.error && <Text role="status">No accounts match.</Text>}
      <div ref={sentinel} />
      {list.hasNextPage && (
        <Button variant="light" onClick={() => void list.fetchNextPage()} loading={list.isFetchingNextPage}>
          Load more
        </Button>
      )}
    </Stack>
  );
}
