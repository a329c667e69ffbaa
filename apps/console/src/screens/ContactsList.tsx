import {
  Anchor,
  Badge,
  Button,
  Checkbox,
  Group,
  Loader,
  Select,
  Stack,
  Table,
  Text,
  TextInput,
  Title,
} from '@mantine/core';
import { useInfiniteQuery } from '@tanstack/react-query';
import { useEffect, useRef, useState } from 'react';
import { api, unwrap } from '../api/client';
import { ErrorNotice } from '../components/ErrorNotice';
import {
  CHANNELS,
  contactQuery,
  filtersFromSearch,
  filtersToSearch,
  SORTS,
  STAGES,
  type ContactFilters,
} from '../lib/contact-query';
import { Link, navigate, useLocation } from '../lib/router';
import { useDebounced } from '../lib/use-debounced';
import { useSession } from '../session';
import { ContactsBulk } from './ContactsBulk';

const SORT_LABELS: Record<string, string> = {
  relevance: 'Best match',
  '-createdAt': 'Newest first',
  createdAt: 'Oldest first',
  name: 'Name A-Z',
  '-name': 'Name Z-A',
};

/** People: search as you type (fuzzy, by the API), filters kept in the address, keyset pages loaded as you scroll. */
export function ContactsList() {
  const { search } = useLocation();
  const { can } = useSession();
  const [filters, setFilters] = useState<ContactFilters>(() => filtersFromSearch(search));
  const settled = useDebounced(filters, 250);
  useEffect(() => {
    navigate(`/contacts${filtersToSearch(settled)}`, true);
  }, [settled]);
  const set = (key: keyof ContactFilters) => (value: string | null) =>
    setFilters((f) => ({ ...f, [key]: value ?? '' }));

  const list = useInfiniteQuery({
    queryKey: ['contacts', settled],
    initialPageParam: undefined as string | undefined,
    queryFn: ({ pageParam, signal }) =>
      unwrap(
        api.GET('/api/v1/contacts', {
          params: { query: contactQuery(settled, pageParam) as never },
          signal,
        }),
      ),
    getNextPageParam: (last) => last.nextCursor ?? undefined,
  });
  const rows = list.data?.pages.flatMap((p) => p.items) ?? [];
  // Chosen for a bulk change (contacts:write): kept across pages and filters until cleared.
  const [chosen, setChosen] = useState<Map<string, string>>(new Map());
  const bulk = can('contacts:write');
  const toggle = (id: string, name: string, on: boolean) =>
    setChosen((m) => {
      const next = new Map(m);
      if (on) next.set(id, name);
      else next.delete(id);
      return next;
    });
  const allShown = rows.length > 0 && rows.every((p) => chosen.has(p.id));

  const sentinel = useRef<HTMLDivElement>(null);
  useEffect(() => {
    const el = sentinel.current;
    if (!el) return;
    const seen = new IntersectionObserver((entries) => {
      if (entries.some((e) => e.isIntersecting) && list.hasNextPage && !list.isFetchingNextPage)
        void list.fetchNextPage();
    });
    seen.observe(el);
    return () => seen.disconnect();
  }, [list]);

  return (
    <Stack>
      <Group justify="space-between">
        <Title order={2}>Contacts</Title>
        {can('contacts:write') && (
          <Button component={Link} to="/contacts/new">
            New contact
          </Button>
        )}
      </Group>
      <Group align="end" gap="sm" role="group" aria-label="Filters">
        <TextInput
          label="Search"
          placeholder="Name, email, company or phone"
          value={filters.q}
          onChange={(e) => set('q')(e.currentTarget.value)}
          maxLength={200}
          w={260}
        />
        <Select
          label="Stage"
          data={[...STAGES]}
          value={filters.stage || null}
          onChange={set('stage')}
          clearable
          w={130}
        />
        <TextInput
          label="Tags"
          placeholder="vip, newsletter"
          value={filters.tag}
          onChange={(e) => set('tag')(e.currentTarget.value)}
          w={140}
        />
        <TextInput
          label="Country"
          placeholder="FR"
          value={filters.country}
          onChange={(e) => set('country')(e.currentTarget.value)}
          maxLength={2}
          w={80}
        />
        <Select
          label="Source"
          data={[...CHANNELS]}
          value={filters.sourceChannel || null}
          onChange={set('sourceChannel')}
          clearable
          w={130}
        />
        <TextInput label="Owner" value={filters.owner} onChange={(e) => set('owner')(e.currentTarget.value)} w={120} />
        <TextInput
          label="Custom field"
          placeholder="key=value"
          value={filters.customField}
          onChange={(e) => set('customField')(e.currentTarget.value)}
          w={140}
        />
        <Select
          label="Sort"
          data={SORTS.map((s) => ({ value: s, label: SORT_LABELS[s] }))}
          value={filters.sort || null}
          onChange={set('sort')}
          placeholder={filters.q ? 'Best match' : 'Newest first'}
          clearable
          w={150}
        />
      </Group>
      {list.error && <ErrorNotice error={list.error} onRetry={() => void list.refetch()} />}
      {/* Always there for a writer, so choosing the first contact does not move the rows under the pointer. */}
      {bulk && (
        <Group align="flex-start" justify="space-between" className="bulk-bar">
          {chosen.size > 0 ? (
            <>
              <ContactsBulk selected={[...chosen].map(([id, displayName]) => ({ id, displayName }))} />
              <Button variant="subtle" size="xs" onClick={() => setChosen(new Map())}>
                Clear selection
              </Button>
            </>
          ) : (
            <Text size="sm">Select contacts to add or remove a tag or set their owner together.</Text>
          )}
        </Group>
      )}
      <Table striped highlightOnHover aria-label="Contacts" aria-busy={list.isFetching}>
        <Table.Thead>
          <Table.Tr>
            {bulk && (
              <Table.Th scope="col">
                <Checkbox
                  aria-label="Select every contact shown"
                  checked={allShown}
                  onChange={(e) => {
                    const on = e.currentTarget.checked;
                    setChosen((m) => {
                      const next = new Map(m);
                      for (const p of rows)
                        if (on) next.set(p.id, p.displayName);
                        else next.delete(p.id);
                      return next;
                    });
                  }}
                />
              </Table.Th>
            )}
            <Table.Th scope="col">Name</Table.Th>
            <Table.Th scope="col">Email</Table.Th>
            <Table.Th scope="col">Stage</Table.Th>
            <Table.Th scope="col">Country</Table.Th>
            <Table.Th scope="col">Account</Table.Th>
            <Table.Th scope="col">Tags</Table.Th>
          </Table.Tr>
        </Table.Thead>
        <Table.Tbody>
          {rows.map((p) => (
            <Table.Tr key={p.id}>
              {bulk && (
                <Table.Td>
                  <Checkbox
                    aria-label={`Select ${p.displayName}`}
                    checked={chosen.has(p.id)}
                    onChange={(e) => toggle(p.id, p.displayName, e.currentTarget.checked)}
                  />
                </Table.Td>
              )}
              <Table.Td>
                <Anchor component={Link} to={`/contacts/${p.id}`}>
                  {p.displayName}
                </Anchor>
              </Table.Td>
              <Table.Td>{p.primaryEmail}</Table.Td>
              <Table.Td>{p.lifecycleStage}</Table.Td>
              <Table.Td>{p.country}</Table.Td>
              <Table.Td>{p.accountName}</Table.Td>
              <Table.Td>
                <Group gap={4}>
                  {p.tags.map((t) => (
                    <Badge key={t} variant="light" size="sm">
                      {t}
                    </Badge>
                  ))}
                </Group>
              </Table.Td>
            </Table.Tr>
          ))}
        </Table.Tbody>
      </Table>
      {list.isPending && <Loader aria-label="Loading contacts" />}
      {!list.isPending && !rows.length && !list.error && <Text role="status">No contacts match.</Text>}
      <div ref={sentinel} />
      {list.hasNextPage && (
        <Button variant="light" onClick={() => void list.fetchNextPage()} loading={list.isFetchingNextPage}>
          Load more
        </Button>
      )}
      <Text size="xs" c="gray.7" role="status" aria-live="polite">
        {rows.length ? `${rows.length} shown${list.hasNextPage ? ', more below' : ''}` : ''}
      </Text>
    </Stack>
  );
}
