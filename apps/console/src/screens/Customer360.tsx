import { Alert, Anchor, Badge, Button, Card, Group, Loader, Stack, Table, Text, Title } from '@mantine/core';
import { useInfiniteQuery, useQuery } from '@tanstack/react-query';
import type {
  CustomerDocumentsReply,
  MarketingCustomerReply,
  SalesCustomerReply,
  SupportCustomerReply,
} from '@crm/contracts';
import { api, unwrap, type Person, type Schemas } from '../api/client';
import { ErrorNotice } from '../components/ErrorNotice';
import { consentMatrix, CONSENT_CHANNELS, CONSENT_PURPOSES, type ConsentDecision } from '../lib/consent-matrix';
import { ApiError } from '../lib/problem';
import { Link } from '../lib/router';
import { useSession } from '../session';
import { DocumentsPart, PartnerSharing, SalesPart, ScoresPart, SupportPart } from './Customer360Parts';
import { EraseContact } from './EraseContact';

const PART_NAMES: Record<string, string> = {
  analytics: 'Analytics',
  contacts: 'Contacts',
  documents: 'Documents',
  marketing: 'Marketing',
  sales: 'Sales',
  support: 'Support',
};
const REASONS: Record<string, string> = {
  timeout: 'did not answer in time',
  unavailable: 'is not running',
  failed: 'failed',
  forbidden: 'is not open to you',
};

const when = (iso: string | null | undefined) => (iso ? new Date(iso).toLocaleString() : '');

/** One page for a person: profile, consent, timeline, what other services know, and what is missing. */
export function Customer360({ id }: { id: string }) {
  const { can } = useSession();
  const c360 = useQuery({
    queryKey: ['customer', id],
    queryFn: () => unwrap(api.GET('/api/v1/customers/{id}', { params: { path: { id } } })),
  });
  if (c360.isPending) return <Loader aria-label="Loading the customer" />;
  if (c360.error) {
    const p = c360.error instanceof ApiError ? c360.error.problem : undefined;
    if (p?.code === 'CUSTOMER_MERGED' && typeof p['mergedInto'] === 'string')
      return (
        <Alert role="alert" title="Merged">
          This contact was merged.{' '}
          <Anchor component={Link} to={`/contacts/${p['mergedInto']}`}>
            Open the contact it was merged into
          </Anchor>
        </Alert>
      );
    return <ErrorNotice error={c360.error} onRetry={() => void c360.refetch()} />;
  }
  const { customer, parts, missing } = c360.data;
  const person = customer.person as unknown as Person;
  const facts = parts['analytics'] as Schemas['CustomerFactsDto'] | null | undefined;
  // The document types parts as free-form; marketing's part is its RPC reply, typed by the shared contract.
  const marketing = parts['marketing'] as MarketingCustomerReply | null | undefined;
  const sales = parts['sales'] as SalesCustomerReply | null | undefined;
  const support = parts['support'] as SupportCustomerReply | null | undefined;
  const documents = parts['documents'] as CustomerDocumentsReply | null | undefined;
  const erased = person.status === 'erased';
  return (
    <Stack>
      <Group justify="space-between">
        <Group>
          <Title order={2}>{person.displayName}</Title>
          <Badge>{person.lifecycleStage}</Badge>
          {erased && <Badge color="gray">erased</Badge>}
        </Group>
        <Group>
          {can('contacts:write') && !erased && (
            <Button component={Link} to={`/contacts/${id}/edit`} variant="light">
              Edit
            </Button>
          )}
          {can('contacts:admin') && <EraseContact id={id} name={person.displayName} erased={erased} />}
        </Group>
      </Group>
      {missing.length > 0 && (
        <Alert color="yellow" title="Part of this page is missing" role="status">
          {missing.map((m) => `${PART_NAMES[m.part] ?? m.part} ${REASONS[m.reason] ?? m.reason}`).join('; ')}. The rest
          is current.
        </Alert>
      )}
      <div className="two-columns">
        <Card withBorder>
          <Title order={3} size="h4">
            Profile
          </Title>
          <dl>
            <Field label="Email" value={person.emails.map((e) => e.address).join(', ')} />
            <Field label="Phone" value={person.phones.map((p) => p.number).join(', ')} />
            <Field label="Country" value={[person.city, person.country].filter(Boolean).join(', ')} />
            <Field label="Occupation" value={person.occupation} />
            <Field label="Account" value={person.account?.name} />
            <Field label="Source" value={(person.source as { channel?: string }).channel} />
            <Field label="Tags" value={person.tags.join(', ')} />
            <Field label="Since" value={when(person.createdAt)} />
          </dl>
        </Card>
        {facts !== undefined && (
          <Card withBorder>
            <Title order={3} size="h4">
              Analytics
            </Title>
            {facts ? (
              <dl>
                <Field label="Stage (as analytics sees it)" value={facts.lifecycleStage} />
                <Field label="Acquired through" value={facts.acquisitionChannel} />
                <Field label="Customer since" value={when(facts.becameCustomerAt)} />
              </dl>
            ) : (
              <Text size="sm">Analytics has no facts about this person yet.</Text>
            )}
          </Card>
        )}
        {facts !== undefined && can('analytics:read') && <ScoresPart contactId={id} />}
        {sales && <SalesPart sales={sales} />}
        {support && <SupportPart support={support} />}
        {documents && <DocumentsPart contactId={id} documents={documents} />}
        {marketing && <Loyalty balances={marketing.loyalty} />}
      </div>
      {marketing && <PartnerSharing shares={marketing.partnerSharing} />}
      <Consent id={id} current={customer.consent as unknown as ConsentDecision[]} />
      {can('contacts:admin') && !erased && <Duplicates id={id} />}
      <Timeline id={id} />
    </Stack>
  );
}

/** The person's points in each loyalty program, with the program's name and their tier. */
function Loyalty({ balances }: { balances: MarketingCustomerReply['loyalty'] }) {
  const programs = useQuery({
    queryKey: ['loyalty-programs'],
    enabled: balances.length > 0,
    staleTime: 300_000,
    queryFn: ({ signal }) => unwrap(api.GET('/api/v1/loyalty/programs', { signal })),
  });
  const nameOf = (id: string) => programs.data?.items.find((p) => p.id === id)?.name ?? 'Loyalty program';
  return (
    <Card withBorder>
      <Title order={3} size="h4">
        Loyalty
      </Title>
      {!balances.length ? (
        <Text size="sm">Not in a loyalty program yet.</Text>
      ) : (
        <Table aria-label="Loyalty balances">
          <Table.Thead>
            <Table.Tr>
              <Table.Th scope="col">Program</Table.Th>
              <Table.Th scope="col">Points</Table.Th>
              <Table.Th scope="col">Tier</Table.Th>
            </Table.Tr>
          </Table.Thead>
          <Table.Tbody>
            {balances.map((b) => (
              <Table.Tr key={b.programId}>
                <Table.Th scope="row">{nameOf(b.programId)}</Table.Th>
                <Table.Td>{b.balance.toLocaleString()}</Table.Td>
                <Table.Td>{b.tier ?? 'none'}</Table.Td>
              </Table.Tr>
            ))}
          </Table.Tbody>
        </Table>
      )}
    </Card>
  );
}

function Field({ label, value }: { label: string; value: string | null | undefined }) {
  return (
    <Group gap="xs" wrap="nowrap">
      <Text component="dt" size="sm" c="gray.7" w={140}>
        {label}
      </Text>
      <Text component="dd" size="sm" m={0}>
        {value || '—'}
      </Text>
    </Group>
  );
}

function Consent({ id, current }: { id: string; current: ConsentDecision[] }) {
  const matrix = consentMatrix(current);
  const history = useQuery({
    queryKey: ['consents', id],
    queryFn: () => unwrap(api.GET('/api/v1/contacts/{id}/consents', { params: { path: { id } } })),
  });
  return (
    <Card withBorder>
      <Title order={3} size="h4">
        Consent
      </Title>
      <Table aria-label="Consent by channel and purpose" withColumnBorders>
        <Table.Thead>
          <Table.Tr>
            <Table.Th scope="col">Channel</Table.Th>
            {CONSENT_PURPOSES.map((p) => (
              <Table.Th scope="col" key={p}>
                {p.replace('_', ' ')}
              </Table.Th>
            ))}
          </Table.Tr>
        </Table.Thead>
        <Table.Tbody>
          {CONSENT_CHANNELS.map((c) => (
            <Table.Tr key={c}>
              <Table.Th scope="row">{c}</Table.Th>
              {CONSENT_PURPOSES.map((p) => (
                <Table.Td key={p}>{{ granted: 'yes', refused: 'no', unknown: 'not asked' }[matrix[c][p]]}</Table.Td>
              ))}
            </Table.Tr>
          ))}
        </Table.Tbody>
      </Table>
      {history.error && <ErrorNotice error={history.error} onRetry={() => void history.refetch()} />}
      {history.data && history.data.history.length > 0 && (
        <>
          <Title order={4} size="h5" mt="sm">
            History
          </Title>
          <Table aria-label="Consent history">
            <Table.Tbody>
              {history.data.history.map((h, i) => (
                <Table.Tr key={i}>
                  <Table.Td>{when((h as { decidedAt?: string }).decidedAt)}</Table.Td>
                  <Table.Td>
                    {(h as { channel?: string }).channel} / {(h as { purpose?: string }).purpose}
                  </Table.Td>
                  <Table.Td>{(h as { granted?: boolean }).granted ? 'granted' : 'refused'}</Table.Td>
                  <Table.Td>{(h as { source?: string }).source}</Table.Td>
                </Table.Tr>
              ))}
            </Table.Tbody>
          </Table>
        </>
      )}
    </Card>
  );
}

function Duplicates({ id }: { id: string }) {
  const dupes = useQuery({
    queryKey: ['duplicates', id],
    queryFn: () => unwrap(api.GET('/api/v1/contacts/{id}/duplicates', { params: { path: { id } } })),
  });
  if (dupes.error) return <ErrorNotice error={dupes.error} onRetry={() => void dupes.refetch()} />;
  if (!dupes.data?.length) return null;
  return (
    <Card withBorder>
      <Title order={3} size="h4">
        Possible duplicates
      </Title>
      <Table aria-label="Possible duplicates">
        <Table.Tbody>
          {dupes.data.map((d) => (
            <Table.Tr key={d.id}>
              <Table.Td>
                <Anchor component={Link} to={`/contacts/${d.id}`}>
                  {d.displayName}
                </Anchor>
              </Table.Td>
              <Table.Td>
                {Math.round(d.nameSimilarity * 100)}% similar name
                {d.sharedPhone ? ', same phone' : ''}
                {d.sameAccount ? ', same account' : ''}
              </Table.Td>
              <Table.Td>
                <Button size="xs" variant="light" component={Link} to={`/contacts/${id}/merge/${d.id}`}>
                  Compare and merge
                </Button>
              </Table.Td>
            </Table.Tr>
          ))}
        </Table.Tbody>
      </Table>
    </Card>
  );
}

function Timeline({ id }: { id: string }) {
  const timeline = useInfiniteQuery({
    queryKey: ['timeline', id],
    initialPageParam: undefined as string | undefined,
    queryFn: ({ pageParam }) =>
      unwrap(
        api.GET('/api/v1/contacts/{id}/timeline', {
          params: { path: { id }, query: { limit: 25, ...(pageParam ? { cursor: pageParam } : {}) } as never },
        }),
      ),
    getNextPageParam: (last) => last.nextCursor ?? undefined,
  });
  const entries = timeline.data?.pages.flatMap((p) => p.items) ?? [];
  return (
    <Card withBorder>
      <Title order={3} size="h4">
        Timeline
      </Title>
      {timeline.error && <ErrorNotice error={timeline.error} onRetry={() => void timeline.refetch()} />}
      {!timeline.isPending && !entries.length && <Text size="sm">Nothing recorded yet.</Text>}
      <ol aria-label="Timeline">
        {entries.map((e) => (
          <li key={`${e.kind}-${e.id}`}>
            <Text size="sm">
              <strong>{when(e.at)}</strong> · {e.kind === 'consent' ? 'consent' : e.type}: {e.subject}
              {e.actor ? ` (${e.actor})` : ''}
            </Text>
          </li>
        ))}
      </ol>
      {timeline.hasNextPage && (
        <Button
          size="xs"
          variant="light"
          onClick={() => void timeline.fetchNextPage()}
          loading={timeline.isFetchingNextPage}
        >
          Older
        </Button>
      )}
    </Card>
  );
}
