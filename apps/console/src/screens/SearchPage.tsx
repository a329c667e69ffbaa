import { Alert, Anchor, Loader, Stack, Table, Text, TextInput, Title } from '@mantine/core';
import { useQuery } from '@tanstack/react-query';
import { useEffect, useState } from 'react';
import { api, unwrap } from '../api/client';
import { ErrorNotice } from '../components/ErrorNotice';
import { Link, navigate, useLocation } from '../lib/router';
import { useDebounced } from '../lib/use-debounced';

interface Hit {
  kind: string;
  id: string;
  title: string;
  subtitle: string | null;
}

const KINDS: Record<string, { label: string; href: (id: string) => string }> = {
  contact: { label: 'People', href: (id) => `/contacts/${id}` },
  account: { label: 'Accounts', href: (id) => `/accounts/${id}/edit` },
};

/** Everything at once: each service answers its part in time or is named as missing. */
export function SearchPage() {
  const { search } = useLocation();
  const [q, setQ] = useState(() => new URLSearchParams(search).get('q') ?? '');
  useEffect(() => setQ(new URLSearchParams(search).get('q') ?? ''), [search]);
  const settled = useDebounced(q.trim(), 250);
  useEffect(() => {
    if (settled !== (new URLSearchParams(window.location.search).get('q') ?? ''))
      navigate(settled ? `/search?q=${encodeURIComponent(settled)}` : '/search', true);
  }, [settled]);
  const answer = useQuery({
    queryKey: ['search', settled],
    enabled: settled.length > 0,
    queryFn: ({ signal }) => unwrap(api.GET('/api/v1/search', { params: { query: { q: settled } }, signal })),
  });
  const results = (answer.data?.results ?? {}) as unknown as Record<string, Hit[]>;
  const total = Object.values(results).reduce((n, hits) => n + hits.length, 0);
  return (
    <Stack>
      <Title order={2}>Search</Title>
      <TextInput
        label="Search everything"
        value={q}
        onChange={(e) => setQ(e.currentTarget.value)}
        maxLength={200}
        w={400}
      />
      {answer.isFetching && <Loader size="sm" aria-label="Searching" />}
      {answer.error && <ErrorNotice error={answer.error} onRetry={() => void answer.refetch()} />}
      {answer.data && answer.data.missing.length > 0 && (
        <Alert color="yellow" role="status">
          Not searched: {answer.data.missing.map((m) => `${m.part} (${m.reason})`).join(', ')}.
        </Alert>
      )}
      {answer.data && !total && <Text role="status">Nothing found for “{settled}”.</Text>}
      {Object.entries(results).map(([kind, hits]) => (
        <section key={kind} aria-label={KINDS[kind]?.label ?? kind}>
          <Title order={3} size="h4">
            {KINDS[kind]?.label ?? kind}
          </Title>
          <Table>
            <Table.Tbody>
              {hits.map((h) => (
                <Table.Tr key={h.id}>
                  <Table.Td>
                    {KINDS[kind] ? (
                      <Anchor component={Link} to={KINDS[kind].href(h.id)}>
                        {h.title}
                      </Anchor>
                    ) : (
                      h.title
                    )}
                  </Table.Td>
                  <Table.Td>{h.subtitle}</Table.Td>
                </Table.Tr>
              ))}
            </Table.Tbody>
          </Table>
        </section>
      ))}
    </Stack>
  );
}
