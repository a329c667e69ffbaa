import { Button, Group, Loader, NativeSelect, NumberInput, Stack, Table, Text, TextInput, Title } from '@mantine/core';
import { useMutation, useQuery, useQueryClient } from '@tanstack/react-query';
import { useState, type FormEvent } from 'react';
import { api, unwrap } from '../../api/client';
import { ErrorNotice } from '../../components/ErrorNotice';
import { ApiError, fieldErrors } from '../../lib/problem';
import { Link } from '../../lib/router';
import { formatMoney } from '../../lib/sales';
import { useSession } from '../../session';
import { MarketingNav } from './MarketingNav';
import type { Promotion } from './marketing-types';

const discountWords = (p: Promotion) =>
  p.discountKind === 'percent'
    ? `${p.percent ?? 0} % off`
    : `${formatMoney(p.amountMinor ?? 0, p.currency ?? 'EUR')} off`;

/** Promotions with their code and budget used, a new one (shared code), and one promotion's redemptions. */
export function PromotionsPage({ id }: { id?: string }) {
  const { can } = useSession();
  const promotions = useQuery({
    queryKey: ['promotions'],
    queryFn: ({ signal }) => unwrap(api.GET('/api/v1/promotions', { params: { query: { limit: 100 } }, signal })),
  });
  const chosen = promotions.data?.items.find((p) => p.id === id);
  return (
    <Stack>
      <MarketingNav />
      <Title order={2}>Promotions</Title>
      {promotions.error && <ErrorNotice error={promotions.error} onRetry={() => void promotions.refetch()} />}
      {promotions.isPending && <Loader aria-label="Loading promotions" />}
      {promotions.data && !promotions.data.items.length && <Text role="status">No promotions yet.</Text>}
      {promotions.data && promotions.data.items.length > 0 && (
        <Table striped aria-label="Promotions">
          <Table.Thead>
            <Table.Tr>
              <Table.Th scope="col">Name</Table.Th>
              <Table.Th scope="col">Discount</Table.Th>
              <Table.Th scope="col">Code</Table.Th>
              <Table.Th scope="col">Valid</Table.Th>
              <Table.Th scope="col">Redeemed</Table.Th>
            </Table.Tr>
          </Table.Thead>
          <Table.Tbody>
            {promotions.data.items.map((p) => (
              <Table.Tr key={p.id}>
                <Table.Th scope="row">
                  <Link to={`/marketing/promotions/${p.id}`}>{p.name}</Link>
                </Table.Th>
                <Table.Td>{discountWords(p)}</Table.Td>
                <Table.Td>{p.codeKind === 'shared' ? p.sharedCode : 'one per person'}</Table.Td>
                <Table.Td>
                  {p.validFrom ? new Date(p.validFrom).toLocaleDateString() : 'now'} –{' '}
                  {p.validUntil ? new Date(p.validUntil).toLocaleDateString() : 'open'}
                </Table.Td>
                <Table.Td>
                  {p.redemptions}
                  {p.maxRedemptions ? ` of ${p.maxRedemptions}` : ''}
                </Table.Td>
              </Table.Tr>
            ))}
          </Table.Tbody>
        </Table>
      )}
      {chosen && <Redemptions promotion={chosen} />}
      {can('marketing:write') && <NewPromotion />}
    </Stack>
  );
}

function Redemptions({ promotion }: { promotion: Promotion }) {
  const list = useQuery({
    queryKey: ['promotion-redemptions', promotion.id],
    queryFn: ({ signal }) =>
      unwrap(api.GET('/api/v1/promotions/{id}/redemptions', { params: { path: { id: promotion.id } }, signal })),
  });
  return (
    <section aria-label={`Redemptions of ${promotion.name}`}>
      <Title order={3} size="h4">
        Redemptions of {promotion.name}
      </Title>
      {list.error && <ErrorNotice error={list.error} onRetry={() => void list.refetch()} />}
      {list.data && !list.data.items.length && <Text size="sm">Not redeemed yet.</Text>}
      {list.data && list.data.items.length > 0 && (
        <Table striped aria-label="Redemptions">
          <Table.Thead>
            <Table.Tr>
              <Table.Th scope="col">Code</Table.Th>
              <Table.Th scope="col">Outcome</Table.Th>
              <Table.Th scope="col">When</Table.Th>
            </Table.Tr>
          </Table.Thead>
          <Table.Tbody>
            {list.data.items.map((r) => (
              <Table.Tr key={`${r.code}-${r.orderId}`}>
                <Table.Td>{r.code}</Table.Td>
                <Table.Td>
                  {r.outcome}
                  {r.reason ? ` (${r.reason.replace(/[_-]+/g, ' ')})` : ''}
                </Table.Td>
                <Table.Td>{new Date(r.at).toLocaleString()}</Table.Td>
              </Table.Tr>
            ))}
          </Table.Tbody>
        </Table>
      )}
    </section>
  );
}

function NewPromotion() {
  const client = useQueryClient();
  const [name, setName] = useState('');
  const [kind, setKind] = useState<'percent' | 'amount'>('percent');
  const [value, setValue] = useState<number | string>(10);
  const [currency, setCurrency] = useState('EUR');
  const [code, setCode] = useState('');
  const [max, setMax] = useState<number | string>('');
  const create = useMutation({
    mutationFn: () =>
      unwrap(
        api.POST('/api/v1/promotions', {
          body: {
            name,
            discountKind: kind,
            ...(kind === 'percent'
              ? { percent: Number(value) }
              : { amountMinor: Math.round(Number(value) * 100), currency }),
            codeKind: 'shared',
            sharedCode: code,
            perCustomerLimit: 1,
            ...(max ? { maxRedemptions: Number(max) } : {}),
          },
        }),
      ),
    onSuccess: () => {
      setName('');
      setCode('');
      void client.invalidateQueries({ queryKey: ['promotions'] });
    },
  });
  const errors = fieldErrors(create.error instanceof ApiError ? create.error.problem : undefined, [
    'name',
    'percent',
    'amountMinor',
    'currency',
    'sharedCode',
    'maxRedemptions',
  ]);
  const submit = (e: FormEvent) => {
    e.preventDefault();
    create.mutate();
  };
  return (
    <form onSubmit={submit} aria-label="New promotion">
      <Title order={3} size="h4">
        New promotion
      </Title>
      <Group align="flex-start" mt="xs">
        <TextInput
          label="Name"
          value={name}
          onChange={(e) => setName(e.currentTarget.value)}
          maxLength={200}
          error={errors['name']}
        />
        <NativeSelect
          label="Discount"
          value={kind}
          onChange={(e) => setKind(e.currentTarget.value === 'amount' ? 'amount' : 'percent')}
          data={[
            { value: 'percent', label: 'percent off' },
            { value: 'amount', label: 'amount off' },
          ]}
        />
        <NumberInput
          label={kind === 'percent' ? 'Percent' : 'Amount'}
          value={value}
          onChange={setValue}
          min={0}
          decimalScale={2}
          error={errors['percent'] ?? errors['amountMinor']}
          w={120}
        />
        {kind === 'amount' && (
          <TextInput
            label="Currency"
            value={currency}
            onChange={(e) => setCurrency(e.currentTarget.value.toUpperCase())}
            maxLength={3}
            w={90}
            error={errors['currency']}
          />
        )}
        <TextInput
          label="Shared code"
          value={code}
          onChange={(e) => setCode(e.currentTarget.value)}
          maxLength={64}
          error={errors['sharedCode']}
        />
        <NumberInput
          label="At most (redemptions)"
          value={max}
          onChange={setMax}
          min={1}
          allowDecimal={false}
          w={160}
          error={errors['maxRedemptions']}
        />
        <Button type="submit" mt={24} loading={create.isPending} disabled={!name.trim()}>
          Create
        </Button>
      </Group>
      {create.error && (errors['_form'] || !Object.keys(errors).length) && (
        <ErrorNotice error={create.error} title="The promotion was not created" />
      )}
      {create.isSuccess && <Text role="status">Created.</Text>}
    </form>
  );
}
