import { Button, Group, Loader, NativeSelect, Stack, Text, Title } from '@mantine/core';
import { useInfiniteQuery } from '@tanstack/react-query';
import { api, unwrap, type Schemas } from '../../api/client';
import { ErrorNotice } from '../../components/ErrorNotice';
import { navigate, useLocation } from '../../lib/router';
import { OrdersTable } from './DealPage';
import { SalesNav } from './SalesNav';

type Status = Schemas['OrderViewDto']['status'];
const STATUSES: Status[] = ['placed', 'paid', 'fulfilled', 'cancelled', 'refunded'];
const asStatus = (v: string | null): Status | undefined => STATUSES.find((s) => s === v);

/** Orders from every channel, newest first, filtered by status in the address; keyset pages on "Load more". */
export function OrdersList() {
  const { search } = useLocation();
  const status = asStatus(new URLSearchParams(search).get('status'));
  const orders = useInfiniteQuery({
    queryKey: ['orders', 'list', status ?? ''],
    queryFn: ({ pageParam, signal }) =>
      unwrap(
        api.GET('/api/v1/orders', {
          params: { query: { limit: 50, ...(status ? { status } : {}), ...(pageParam ? { cursor: pageParam } : {}) } },
          signal,
        }),
      ),
    initialPageParam: '',
    getNextPageParam: (last) => last.nextCursor ?? undefined,
  });
  const rows = orders.data?.pages.flatMap((p) => p.items) ?? [];
  return (
    <Stack>
      <SalesNav />
      <Group justify="space-between">
        <Title order={2}>Orders</Title>
        <NativeSelect
          label="Status"
          value={status ?? ''}
          onChange={(e) => {
            const s = asStatus(e.currentTarget.value);
            navigate(s ? `/sales/orders?status=${s}` : '/sales/orders', true);
          }}
          data={[{ value: '', label: 'Any status' }, ...STATUSES.map((s) => ({ value: s, label: s }))]}
        />
      </Group>
      {orders.error && <ErrorNotice error={orders.error} onRetry={() => void orders.refetch()} />}
      {orders.isPending && <Loader aria-label="Loading orders" />}
      {orders.data && !rows.length && <Text role="status">No orders{status ? ` ${status}` : ''} yet.</Text>}
      {rows.length > 0 && <OrdersTable orders={rows} label="Orders" />}
      {orders.hasNextPage && (
        <Group>
          <Button variant="light" onClick={() => void orders.fetchNextPage()} loading={orders.isFetchingNextPage}>
            Load more
          </Button>
        </Group>
      )}
    </Stack>
  );
}
