import {
  Alert,
  Badge,
  Button,
  Group,
  Loader,
  NativeSelect,
  NumberInput,
  Stack,
  Table,
  Text,
  TextInput,
  Title,
} from '@mantine/core';
import { useMutation, useQuery, useQueryClient } from '@tanstack/react-query';
import { useEffect, useState } from 'react';
import { api, unwrap, type Schemas } from '../../api/client';
import { ErrorNotice } from '../../components/ErrorNotice';
import { ApiError } from '../../lib/problem';
import { Link, navigate, useLocation } from '../../lib/router';
import { formatMoney, lineTotals, quoteTotals } from '../../lib/sales';
import { useSession } from '../../session';
import { SalesNav } from './SalesNav';

type Quote = Schemas['QuoteViewDto'];
interface Line {
  productId: string;
  quantity: number;
  discountPercent: number;
  taxRatePercent: number;
  /** Kept from the quote when it was priced by hand; otherwise the book's price is used. */
  overriddenPriceMinor?: number;
}

const linesOf = (q: Quote): Line[] =>
  q.lines.map((l) => ({
    productId: l.productId,
    quantity: l.quantity,
    discountPercent: l.discountPercent,
    taxRatePercent: l.taxRatePercent,
    ...(l.priceOverridden ? { overriddenPriceMinor: l.unitPriceMinor } : {}),
  }));

/** A quote: lines from a price book with live totals; save the draft, send it, accept it into an order. */
export function QuoteEditor({ id }: { id?: string }) {
  const { search } = useLocation();
  const dealId = new URLSearchParams(search).get('deal') ?? '';
  const quote = useQuery({
    queryKey: ['quote', id],
    enabled: !!id,
    queryFn: ({ signal }) => unwrap(api.GET('/api/v1/quotes/{id}', { params: { path: { id: id ?? '' } }, signal })),
  });
  const forDeal = quote.data?.dealId ?? dealId;
  const deal = useQuery({
    queryKey: ['deal', forDeal],
    enabled: !!forDeal,
    queryFn: ({ signal }) => unwrap(api.GET('/api/v1/deals/{id}', { params: { path: { id: forDeal } }, signal })),
  });
  if (quote.error) return <ErrorNotice error={quote.error} onRetry={() => void quote.refetch()} />;
  if (deal.error) return <ErrorNotice error={deal.error} onRetry={() => void deal.refetch()} />;
  if (!forDeal) return <Text role="status">A quote is made from a deal: open the deal and choose “New quote”.</Text>;
  if ((id && !quote.data) || !deal.data) return <Loader aria-label="Loading the quote" />;
  return (
    <Editor key={quote.data ? `${quote.data.id}:${quote.data.version}` : 'new'} quote={quote.data} deal={deal.data} />
  );
}

function Editor({ quote, deal }: { quote?: Quote; deal: Schemas['DealViewDto'] }) {
  const { can } = useSession();
  const client = useQueryClient();
  const currency = quote?.currency ?? deal.currency;
  const digits = quote?.currencyDigits ?? deal.currencyDigits;
  const editable = can('sales:write') && (!quote || quote.status === 'draft');
  const books = useQuery({
    queryKey: ['price-books', currency],
    queryFn: ({ signal }) =>
      unwrap(api.GET('/api/v1/price-books', { params: { query: { currency, limit: 100 } }, signal })),
  });
  const [bookId, setBookId] = useState(quote?.priceBookId ?? '');
  const chosenBook = bookId || books.data?.items.find((b) => b.isDefault)?.id || books.data?.items[0]?.id || '';
  const prices = useQuery({
    queryKey: ['price-book-prices', chosenBook],
    enabled: !!chosenBook,
    queryFn: ({ signal }) =>
      unwrap(
        api.GET('/api/v1/price-books/{id}/prices', {
          params: { path: { id: chosenBook }, query: { limit: 200 } },
          signal,
        }),
      ),
  });
  const [lines, setLines] = useState<Line[]>(quote ? linesOf(quote) : []);
  const [validUntil, setValidUntil] = useState(quote?.validUntil ?? '');
  const priceOf = (l: Line) =>
    l.overriddenPriceMinor ?? prices.data?.items.find((p) => p.productId === l.productId)?.unitPriceMinor ?? 0;
  const priced = lines.map((l) => ({ ...l, unitPriceMinor: priceOf(l) }));
  const totals = editable ? quoteTotals(priced) : (quote ?? quoteTotals(priced));
  const money = (minor: number) => formatMoney(minor, currency, digits);
  const body = {
    ...(chosenBook ? { priceBookId: chosenBook } : {}),
    ...(validUntil ? { validUntil } : {}),
    lines: lines.map((l) => ({
      productId: l.productId,
      quantity: l.quantity,
      discountPercent: l.discountPercent,
      taxRatePercent: l.taxRatePercent,
      ...(l.overriddenPriceMinor !== undefined ? { unitPriceMinor: l.overriddenPriceMinor } : {}),
    })),
  };
  const save = useMutation({
    mutationFn: () =>
      quote
        ? unwrap(
            api.PATCH('/api/v1/quotes/{id}', {
              params: { path: { id: quote.id }, header: { 'If-Match': `"${quote.version}"` } },
              body,
            }),
          )
        : unwrap(api.POST('/api/v1/quotes', { body: { ...body, dealId: deal.id } })),
    onSuccess: (saved) => done(saved, !quote),
  });
  const step = useMutation({
    mutationFn: (s: 'send' | 'accept' | 'revise') => {
      const path = { path: { id: quote?.id ?? '' } };
      if (s === 'send') return unwrap(api.POST('/api/v1/quotes/{id}/send', { params: path }));
      if (s === 'revise') return unwrap(api.POST('/api/v1/quotes/{id}/revise', { params: path }));
      return unwrap(
        api.POST('/api/v1/quotes/{id}/accept', { params: path, body: { createOrder: true, channel: 'phone' } }),
      );
    },
    onSuccess: (saved, s) => done(saved, s === 'revise'),
  });
  const done = (saved: Quote, moved: boolean) => {
    client.setQueryData(['quote', saved.id], saved);
    void client.invalidateQueries({ queryKey: ['quotes'] });
    void client.invalidateQueries({ queryKey: ['orders'] });
    if (moved) navigate(`/sales/quotes/${saved.id}`, true);
  };
  const order = useQuery({
    queryKey: ['order', quote?.orderId],
    enabled: !!quote?.orderId,
    queryFn: ({ signal }) =>
      unwrap(api.GET('/api/v1/orders/{id}', { params: { path: { id: quote?.orderId ?? '' } }, signal })),
  });
  const set = (i: number, patch: Partial<Line>) =>
    setLines((ls) => ls.map((l, j) => (j === i ? { ...l, ...patch } : l)));
  const failed = save.error ?? step.error;
  const lineErrors = failed instanceof ApiError ? (failed.problem.errors ?? []) : [];
  const errorOf = (i: number, field: string) => lineErrors.find((e) => e.field === `lines.${i}.${field}`)?.message;
  const products = prices.data?.items ?? [];
  useEffect(() => {
    if (!quote && lines.length === 0 && products.length)
      setLines([{ productId: products[0].productId, quantity: 1, discountPercent: 0, taxRatePercent: 0 }]);
  }, [quote, lines.length, products]);
  return (
    <Stack>
      <SalesNav />
      <Title order={2}>{quote ? `Quote ${quote.number} rev. ${quote.revision}` : `New quote for ${deal.name}`}</Title>
      <Group gap="xs">
        {quote && (
          <Badge variant="outline" color="dark">
            {quote.supersededBy ? `${quote.status}, superseded` : quote.status}
          </Badge>
        )}
        <Text size="sm">
          For <Link to={`/sales/deals/${deal.id}`}>{deal.name}</Link> · {currency}
        </Text>
      </Group>
      {books.error && <ErrorNotice error={books.error} onRetry={() => void books.refetch()} />}
      {books.data && !books.data.items.length && (
        <Alert color="orange" role="status" title="No price book">
          There is no price book in {currency} yet: an admin adds one under sales’ price books.
        </Alert>
      )}
      <Group align="flex-end">
        <NativeSelect
          label="Price book"
          value={chosenBook}
          disabled={!editable}
          onChange={(e) => setBookId(e.currentTarget.value)}
          data={(books.data?.items ?? []).map((b) => ({
            value: b.id,
            label: b.isDefault ? `${b.name} (default)` : b.name,
          }))}
        />
        <TextInput
          label="Valid until"
          type="date"
          value={validUntil}
          disabled={!editable}
          onChange={(e) => setValidUntil(e.currentTarget.value)}
        />
      </Group>
      <Table aria-label="Quote lines">
        <Table.Thead>
          <Table.Tr>
            <Table.Th scope="col">Product</Table.Th>
            <Table.Th scope="col">Quantity</Table.Th>
            <Table.Th scope="col">Unit price</Table.Th>
            <Table.Th scope="col">Discount %</Table.Th>
            <Table.Th scope="col">Tax %</Table.Th>
            <Table.Th scope="col">Line total</Table.Th>
            {editable && <Table.Th scope="col">Remove</Table.Th>}
          </Table.Tr>
        </Table.Thead>
        <Table.Tbody>
          {priced.map((l, i) => {
            const n = i + 1;
            const known = products.find((p) => p.productId === l.productId);
            const shown = quote?.lines[i];
            return (
              <Table.Tr key={i}>
                <Table.Td>
                  {editable ? (
                    <NativeSelect
                      label={`Line ${n} product`}
                      classNames={{ label: 'visually-hidden' }}
                      value={l.productId}
                      onChange={(e) => set(i, { productId: e.currentTarget.value, overriddenPriceMinor: undefined })}
                      data={products.map((p) => ({ value: p.productId, label: `${p.name} (${p.sku})` }))}
                      error={errorOf(i, 'productId')}
                    />
                  ) : (
                    (known?.name ?? shown?.name ?? l.productId)
                  )}
                </Table.Td>
                <Table.Td>
                  {editable ? (
                    <NumberInput
                      label={`Line ${n} quantity`}
                      classNames={{ label: 'visually-hidden' }}
                      value={l.quantity}
                      min={1}
                      max={1_000_000}
                      allowDecimal={false}
                      onChange={(v) => set(i, { quantity: Number(v) || 0 })}
                      error={errorOf(i, 'quantity')}
                      w={90}
                    />
                  ) : (
                    l.quantity
                  )}
                </Table.Td>
                <Table.Td>{money(editable ? l.unitPriceMinor : (shown?.unitPriceMinor ?? l.unitPriceMinor))}</Table.Td>
                <Table.Td>
                  {editable ? (
                    <NumberInput
                      label={`Line ${n} discount %`}
                      classNames={{ label: 'visually-hidden' }}
                      value={l.discountPercent}
                      min={0}
                      max={100}
                      decimalScale={3}
                      onChange={(v) => set(i, { discountPercent: Number(v) || 0 })}
                      error={errorOf(i, 'discountPercent')}
                      w={90}
                    />
                  ) : (
                    l.discountPercent
                  )}
                </Table.Td>
                <Table.Td>
                  {editable ? (
                    <NumberInput
                      label={`Line ${n} tax %`}
                      classNames={{ label: 'visually-hidden' }}
                      value={l.taxRatePercent}
                      min={0}
                      max={100}
                      decimalScale={3}
                      onChange={(v) => set(i, { taxRatePercent: Number(v) || 0 })}
                      error={errorOf(i, 'taxRatePercent')}
                      w={90}
                    />
                  ) : (
                    l.taxRatePercent
                  )}
                </Table.Td>
                <Table.Td>
                  {money(editable ? lineTotals(l).totalMinor : (shown?.totalMinor ?? lineTotals(l).totalMinor))}
                </Table.Td>
                {editable && (
                  <Table.Td>
                    <Button
                      variant="default"
                      size="xs"
                      aria-label={`Remove line ${n}`}
                      onClick={() => setLines((ls) => ls.filter((_, j) => j !== i))}
                    >
                      Remove
                    </Button>
                  </Table.Td>
                )}
              </Table.Tr>
            );
          })}
        </Table.Tbody>
      </Table>
      {editable && (
        <Group>
          <Button
            variant="light"
            disabled={!products.length || lines.length >= 200}
            onClick={() =>
              setLines((ls) => [
                ...ls,
                { productId: products[0]?.productId ?? '', quantity: 1, discountPercent: 0, taxRatePercent: 0 },
              ])
            }
          >
            Add line
          </Button>
        </Group>
      )}
      <Table aria-label="Quote totals" variant="vertical" withTableBorder w={360}>
        <Table.Tbody>
          {(
            [
              ['Gross', totals.grossMinor],
              ['Discount', totals.discountMinor],
              ['Net', totals.netMinor],
              ['Tax', totals.taxMinor],
              ['Total', totals.totalMinor],
            ] as const
          ).map(([label, minor]) => (
            <Table.Tr key={label}>
              <Table.Th scope="row">{label}</Table.Th>
              <Table.Td ta="right">{money(minor)}</Table.Td>
            </Table.Tr>
          ))}
        </Table.Tbody>
      </Table>
      {failed && !lineErrors.some((e) => e.field.startsWith('lines.')) && (
        <ErrorNotice error={failed} title="The quote was not changed" />
      )}
      {can('sales:write') && (
        <Group>
          {editable && (
            <Button onClick={() => save.mutate()} loading={save.isPending} disabled={!lines.length}>
              {quote ? 'Save draft' : 'Create draft'}
            </Button>
          )}
          {quote?.status === 'draft' && (
            <Button variant="light" onClick={() => step.mutate('send')} loading={step.isPending}>
              Send
            </Button>
          )}
          {quote?.status === 'sent' && !quote.supersededBy && (
            <Button onClick={() => step.mutate('accept')} loading={step.isPending}>
              Accept and place the order
            </Button>
          )}
          {quote && ['sent', 'rejected', 'expired'].includes(quote.status) && !quote.supersededBy && (
            <Button variant="default" onClick={() => step.mutate('revise')} loading={step.isPending}>
              Revise
            </Button>
          )}
        </Group>
      )}
      {quote?.sentAt && <Text size="sm">Sent {new Date(quote.sentAt).toLocaleString()}.</Text>}
      {quote?.status === 'accepted' && (
        <Text role="status">
          Accepted{quote.acceptedAt ? ` ${new Date(quote.acceptedAt).toLocaleString()}` : ''}
          {order.data ? `: order ${order.data.number} placed.` : '.'}{' '}
          {order.data && <Link to="/sales/orders">See the orders</Link>}
        </Text>
      )}
    </Stack>
  );
}
