import { Badge, Button, Group, Loader, NativeSelect, Stack, Table, Text, Textarea, Title } from '@mantine/core';
import { useMutation, useQuery, useQueryClient } from '@tanstack/react-query';
import { useState, type FormEvent } from 'react';
import { api, unwrap, type Schemas } from '../../api/client';
import { ErrorNotice } from '../../components/ErrorNotice';
import { ApiError, fieldErrors } from '../../lib/problem';
import { Link } from '../../lib/router';
import { duration, formatMoney } from '../../lib/sales';
import { useRoutedServices } from '../../lib/services';
import { useSession } from '../../session';
import { DocumentTable } from '../documents/DocumentTable';
import { SalesNav } from './SalesNav';

type Deal = Schemas['DealViewDto'];

/** One deal: its details, stage history with the time spent in each stage, won/lost, its quotes, orders and documents. */
export function DealPage({ id }: { id: string }) {
  const { can } = useSession();
  const { routed } = useRoutedServices();
  const deal = useQuery({
    queryKey: ['deal', id],
    queryFn: ({ signal }) => unwrap(api.GET('/api/v1/deals/{id}', { params: { path: { id } }, signal })),
  });
  const history = useQuery({
    queryKey: ['deal', id, 'history'],
    queryFn: ({ signal }) => unwrap(api.GET('/api/v1/deals/{id}/history', { params: { path: { id } }, signal })),
  });
  const quotes = useQuery({
    queryKey: ['quotes', 'deal', id],
    queryFn: ({ signal }) =>
      unwrap(api.GET('/api/v1/quotes', { params: { query: { dealId: id, limit: 50 } }, signal })),
  });
  const orders = useQuery({
    queryKey: ['orders', 'deal', id],
    queryFn: ({ signal }) =>
      unwrap(api.GET('/api/v1/orders', { params: { query: { dealId: id, limit: 50 } }, signal })),
  });
  if (deal.error) return <ErrorNotice error={deal.error} onRetry={() => void deal.refetch()} />;
  if (!deal.data) return <Loader aria-label="Loading the deal" />;
  const d = deal.data;
  const statusColor = d.status === 'lost' ? 'red.9' : 'dark';
  return (
    <Stack>
      <SalesNav />
      <Title order={2}>{d.name}</Title>
      <Group gap="xs">
        <Badge variant="outline" color={statusColor}>
          {d.status}
        </Badge>
        <Text size="sm">
          {d.stageName} · {d.probability} %
        </Text>
      </Group>
      <Table aria-label="Deal details" variant="vertical" withTableBorder>
        <Table.Tbody>
          <Detail label="Amount">{formatMoney(d.amountMinor, d.currency, d.currencyDigits)}</Detail>
          <Detail label="Contact">
            {d.contactId ? (
              <Link to={`/contacts/${d.contactId}`}>{d.contact?.displayName ?? d.contactId}</Link>
            ) : (
              'none'
            )}
          </Detail>
          <Detail label="Owner">{d.ownerId ?? 'nobody'}</Detail>
          <Detail label="Expected close">{d.expectedCloseDate ?? 'not set'}</Detail>
          <Detail label="In this stage since">{new Date(d.stageEnteredAt).toLocaleString()}</Detail>
          {d.tags.length > 0 && <Detail label="Tags">{d.tags.join(', ')}</Detail>}
          {d.closedAt && (
            <Detail label="Closed">
              {new Date(d.closedAt).toLocaleString()}
              {d.closedBy ? ` by ${d.closedBy}` : ''}
            </Detail>
          )}
          {d.lostReason && (
            <Detail label="Lost because">
              {d.lostReason.label}
              {d.lostReason.note ? ` (${d.lostReason.note})` : ''}
            </Detail>
          )}
        </Table.Tbody>
      </Table>
      {d.status === 'open' && can('sales:write') && <CloseDeal deal={d} />}
      <Title order={3} size="h4">
        Stage history
      </Title>
      {history.error && <ErrorNotice error={history.error} onRetry={() => void history.refetch()} />}
      {history.data && (
        <Table striped aria-label="Stage history">
          <Table.Thead>
            <Table.Tr>
              <Table.Th scope="col">Stage</Table.Th>
              <Table.Th scope="col">From</Table.Th>
              <Table.Th scope="col">Moved</Table.Th>
              <Table.Th scope="col">By</Table.Th>
              <Table.Th scope="col">Time in stage</Table.Th>
            </Table.Tr>
          </Table.Thead>
          <Table.Tbody>
            {history.data.items.map((h) => (
              <Table.Tr key={h.id}>
                <Table.Th scope="row">
                  {h.toStageName}
                  {h.current ? ' (now)' : ''}
                  {h.reopened ? ' (reopened)' : ''}
                </Table.Th>
                <Table.Td>{h.fromStageName ?? 'created'}</Table.Td>
                <Table.Td>{new Date(h.movedAt).toLocaleString()}</Table.Td>
                <Table.Td>{h.movedBy ?? 'unknown'}</Table.Td>
                <Table.Td>{duration(h.secondsInStage)}</Table.Td>
              </Table.Tr>
            ))}
          </Table.Tbody>
        </Table>
      )}
      <Group justify="space-between">
        <Title order={3} size="h4">
          Quotes
        </Title>
        {can('sales:write') && d.status === 'open' && (
          <Button component={Link} to={`/sales/quotes/new?deal=${d.id}`} variant="light" size="xs">
            New quote
          </Button>
        )}
      </Group>
      {quotes.error && <ErrorNotice error={quotes.error} onRetry={() => void quotes.refetch()} />}
      {quotes.data && !quotes.data.items.length && <Text role="status">No quotes yet.</Text>}
      {quotes.data && quotes.data.items.length > 0 && (
        <Table striped aria-label="Quotes of the deal">
          <Table.Thead>
            <Table.Tr>
              <Table.Th scope="col">Quote</Table.Th>
              <Table.Th scope="col">Status</Table.Th>
              <Table.Th scope="col">Total</Table.Th>
              <Table.Th scope="col">Valid until</Table.Th>
            </Table.Tr>
          </Table.Thead>
          <Table.Tbody>
            {quotes.data.items.map((q) => (
              <Table.Tr key={q.id}>
                <Table.Td>
                  <Link to={`/sales/quotes/${q.id}`}>
                    {q.number} rev. {q.revision}
                  </Link>
                </Table.Td>
                <Table.Td>{q.supersededBy ? `${q.status}, superseded` : q.status}</Table.Td>
                <Table.Td>{formatMoney(q.totalMinor, q.currency, q.currencyDigits)}</Table.Td>
                <Table.Td>{q.validUntil ?? 'open'}</Table.Td>
              </Table.Tr>
            ))}
          </Table.Tbody>
        </Table>
      )}
      <Title order={3} size="h4">
        Orders
      </Title>
      {orders.error && <ErrorNotice error={orders.error} onRetry={() => void orders.refetch()} />}
      {orders.data && !orders.data.items.length && <Text role="status">No orders yet.</Text>}
      {orders.data && orders.data.items.length > 0 && (
        <OrdersTable orders={orders.data.items} label="Orders of the deal" />
      )}
      {routed('documents') && can('documents:read') && (
        <>
          <Title order={3} size="h4">
            Documents
          </Title>
          <DocumentTable recordKind="deal" recordId={d.id} label="Documents of the deal" />
        </>
      )}
    </Stack>
  );
}

function Detail({ label, children }: { label: string; children: React.ReactNode }) {
  return (
    <Table.Tr>
      <Table.Th scope="row" w={200}>
        {label}
      </Table.Th>
      <Table.Td>{children}</Table.Td>
    </Table.Tr>
  );
}

export function OrdersTable({ orders, label }: { orders: Schemas['OrderViewDto'][]; label: string }) {
  return (
    <Table striped aria-label={label}>
      <Table.Thead>
        <Table.Tr>
          <Table.Th scope="col">Order</Table.Th>
          <Table.Th scope="col">Status</Table.Th>
          <Table.Th scope="col">Channel</Table.Th>
          <Table.Th scope="col">Total</Table.Th>
          <Table.Th scope="col">Placed</Table.Th>
          <Table.Th scope="col">Deal</Table.Th>
        </Table.Tr>
      </Table.Thead>
      <Table.Tbody>
        {orders.map((o) => (
          <Table.Tr key={o.id}>
            <Table.Th scope="row">{o.number}</Table.Th>
            <Table.Td>{o.status}</Table.Td>
            <Table.Td>
              {o.channel}
              {o.location ? ` · ${o.location}` : ''}
            </Table.Td>
            <Table.Td>{formatMoney(o.totalMinor, o.currency, o.currencyDigits)}</Table.Td>
            <Table.Td>{new Date(o.placedAt).toLocaleString()}</Table.Td>
            <Table.Td>{o.dealId ? <Link to={`/sales/deals/${o.dealId}`}>Open the deal</Link> : 'none'}</Table.Td>
          </Table.Tr>
        ))}
      </Table.Tbody>
    </Table>
  );
}

/** Won, or lost for a reason from the configured list (with a note): the deal moves to that kind of stage. */
function CloseDeal({ deal }: { deal: Deal }) {
  const client = useQueryClient();
  const pipeline = useQuery({
    queryKey: ['pipeline', deal.pipelineId],
    queryFn: ({ signal }) =>
      unwrap(api.GET('/api/v1/pipelines/{id}', { params: { path: { id: deal.pipelineId } }, signal })),
  });
  const reasons = useQuery({
    queryKey: ['lost-reasons'],
    queryFn: ({ signal }) => unwrap(api.GET('/api/v1/lost-reasons', { signal })),
  });
  const [reasonId, setReasonId] = useState('');
  const [note, setNote] = useState('');
  const won = pipeline.data?.stages.find((s) => s.kind === 'won');
  const lost = pipeline.data?.stages.find((s) => s.kind === 'lost');
  const close = useMutation({
    mutationFn: (body: Schemas['MoveDealDto']) =>
      unwrap(
        api.POST('/api/v1/deals/{id}/stage', {
          params: { path: { id: deal.id }, header: { 'If-Match': `"${deal.version}"` } },
          body,
        }),
      ),
    onSuccess: (updated) => {
      client.setQueryData(['deal', deal.id], updated);
      void client.invalidateQueries({ queryKey: ['deal', deal.id] });
      void client.invalidateQueries({ queryKey: ['board'] });
    },
  });
  const problem = close.error instanceof ApiError ? close.error.problem : undefined;
  const errors = fieldErrors(problem, ['lostReasonId', 'lostNote']);
  const markLost = (e: FormEvent) => {
    e.preventDefault();
    if (lost)
      close.mutate({
        stageId: lost.id,
        ...(reasonId ? { lostReasonId: reasonId } : {}),
        ...(note ? { lostNote: note } : {}),
      });
  };
  const active = (reasons.data ?? []).filter((r) => r.active);
  return (
    <section aria-label="Close the deal">
      <Group align="flex-start">
        {won && (
          <Button
            color="green"
            variant="light"
            onClick={() => close.mutate({ stageId: won.id })}
            loading={close.isPending}
          >
            Mark won
          </Button>
        )}
        {lost && (
          <form onSubmit={markLost} aria-label="Mark lost">
            <Group align="flex-end">
              <NativeSelect
                label="Lost reason"
                value={reasonId}
                onChange={(e) => setReasonId(e.currentTarget.value)}
                data={[
                  { value: '', label: 'Choose a reason…' },
                  ...active.map((r) => ({ value: r.id, label: r.label })),
                ]}
                error={errors['lostReasonId']}
              />
              <Textarea
                label="Note"
                value={note}
                onChange={(e) => setNote(e.currentTarget.value)}
                maxLength={2000}
                autosize
                minRows={1}
                error={errors['lostNote']}
              />
              <Button type="submit" color="red" variant="light" loading={close.isPending}>
                Mark lost
              </Button>
            </Group>
          </form>
        )}
      </Group>
      {reasons.error && <ErrorNotice error={reasons.error} onRetry={() => void reasons.refetch()} />}
      {close.error && !errors['lostReasonId'] && !errors['lostNote'] && (
        <ErrorNotice error={close.error} title="The deal was not closed" />
      )}
    </section>
  );
}
