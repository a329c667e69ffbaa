import { Button, Group, Loader, NativeSelect, Stack, Table, Text, TextInput, Title } from '@mantine/core';
import { useMutation, useQuery, useQueryClient } from '@tanstack/react-query';
import { useState, type FormEvent } from 'react';
import { api, unwrap, type Schemas } from '../../api/client';
import { ErrorNotice } from '../../components/ErrorNotice';
import { ApiError, fieldErrors } from '../../lib/problem';
import { useSession } from '../../session';
import { MarketingNav } from './MarketingNav';

type Program = Schemas['ProgramViewDto'];

/** `Silver:500:1.5, Gold:2000:2` as tiers (name, lifetime points to reach it, multiplier); null when malformed. */
export function parseTiers(text: string): Schemas['TierDto'][] | null {
  if (!text.trim()) return [];
  const tiers = text.split(',').map((part) => {
    const [name, threshold, multiplier] = part.split(':').map((x) => x.trim());
    return { name, threshold: Number(threshold), multiplier: multiplier === undefined ? 1 : Number(multiplier) };
  });
  return tiers.every((t) => t.name && Number.isFinite(t.threshold) && Number.isFinite(t.multiplier)) ? tiers : null;
}

/** Loyalty programs with their earning rules and tiers, a new one, and one member's balance, ledger and adjustment. */
export function LoyaltyPage() {
  const { can } = useSession();
  const programs = useQuery({
    queryKey: ['loyalty-programs'],
    queryFn: ({ signal }) => unwrap(api.GET('/api/v1/loyalty/programs', { signal })),
  });
  return (
    <Stack>
      <MarketingNav />
      <Title order={2}>Loyalty</Title>
      {programs.error && <ErrorNotice error={programs.error} onRetry={() => void programs.refetch()} />}
      {programs.isPending && <Loader aria-label="Loading loyalty programs" />}
      {programs.data && !programs.data.items.length && <Text role="status">No loyalty program yet.</Text>}
      {programs.data && programs.data.items.length > 0 && (
        <Table striped aria-label="Loyalty programs">
          <Table.Thead>
            <Table.Tr>
              <Table.Th scope="col">Program</Table.Th>
              <Table.Th scope="col">Earns</Table.Th>
              <Table.Th scope="col">Tiers</Table.Th>
              <Table.Th scope="col">Points expire</Table.Th>
            </Table.Tr>
          </Table.Thead>
          <Table.Tbody>
            {programs.data.items.map((p) => (
              <Table.Tr key={p.id}>
                <Table.Th scope="row">{p.name}</Table.Th>
                <Table.Td>
                  {p.pointsPerUnit} {p.pointsPerUnit === 1 ? 'point' : 'points'} per {p.currency}
                </Table.Td>
                <Table.Td>
                  {p.tiers.length
                    ? p.tiers.map((t) => `${t.name} from ${t.threshold.toLocaleString()} (×${t.multiplier})`).join(', ')
                    : 'none'}
                </Table.Td>
                <Table.Td>{p.expiryDays ? `after ${p.expiryDays} days` : 'never'}</Table.Td>
              </Table.Tr>
            ))}
          </Table.Tbody>
        </Table>
      )}
      {can('marketing:write') && <NewProgram />}
      {programs.data && programs.data.items.length > 0 && <Member programs={programs.data.items} />}
    </Stack>
  );
}

function NewProgram() {
  const client = useQueryClient();
  const [form, setForm] = useState({ name: '', currency: 'EUR', pointsPerUnit: '1', expiryDays: '', tiers: '' });
  const set = (k: keyof typeof form) => (e: { currentTarget: { value: string } }) =>
    setForm({ ...form, [k]: e.currentTarget.value });
  const tiers = parseTiers(form.tiers);
  const create = useMutation({
    mutationFn: () =>
      unwrap(
        api.POST('/api/v1/loyalty/programs', {
          body: {
            name: form.name.trim(),
            currency: form.currency.trim().toUpperCase(),
            pointsPerUnit: Number(form.pointsPerUnit),
            ...(form.expiryDays.trim() ? { expiryDays: Number(form.expiryDays) } : {}),
            tiers: tiers ?? [],
          },
        }),
      ),
    onSuccess: () => {
      setForm({ name: '', currency: 'EUR', pointsPerUnit: '1', expiryDays: '', tiers: '' });
      void client.invalidateQueries({ queryKey: ['loyalty-programs'] });
    },
  });
  const errors = fieldErrors(create.error instanceof ApiError ? create.error.problem : undefined, [
    'name',
    'currency',
    'pointsPerUnit',
    'expiryDays',
    'tiers',
  ]);
  const submit = (e: FormEvent) => {
    e.preventDefault();
    create.mutate();
  };
  return (
    <form onSubmit={submit} aria-label="New loyalty program">
      <Title order={3} size="h4">
        New program
      </Title>
      <Group align="flex-start" mt="xs">
        <TextInput label="Name" value={form.name} onChange={set('name')} maxLength={200} error={errors['name']} />
        <TextInput
          label="Currency"
          value={form.currency}
          onChange={set('currency')}
          maxLength={3}
          w={90}
          error={errors['currency']}
        />
        <TextInput
          label="Points per unit"
          type="number"
          step="0.01"
          value={form.pointsPerUnit}
          onChange={set('pointsPerUnit')}
          w={130}
          error={errors['pointsPerUnit']}
        />
        <TextInput
          label="Points expire after (days)"
          type="number"
          value={form.expiryDays}
          onChange={set('expiryDays')}
          w={190}
          error={errors['expiryDays']}
        />
        <TextInput
          label="Tiers"
          description="name:points:multiplier, …"
          placeholder="Silver:500:1.5, Gold:2000:2"
          value={form.tiers}
          onChange={set('tiers')}
          w={260}
          error={tiers === null ? 'Each tier as name:points:multiplier' : errors['tiers']}
        />
        <Button type="submit" mt={24} loading={create.isPending} disabled={!form.name.trim() || tiers === null}>
          Create
        </Button>
      </Group>
      {create.error && (errors['_form'] || !Object.keys(errors).length) && (
        <ErrorNotice error={create.error} title="The program was not created" />
      )}
      {create.isSuccess && <Text role="status">Program created.</Text>}
    </form>
  );
}

/** One member of a program: balance, lifetime points, tier and latest ledger entries; an adjustment (marketing:write). */
function Member({ programs }: { programs: Program[] }) {
  const { can } = useSession();
  const client = useQueryClient();
  const [programId, setProgramId] = useState(programs[0].id);
  const [contactInput, setContactInput] = useState('');
  const [contactId, setContactId] = useState('');
  const [adjust, setAdjust] = useState({ points: '', reason: '' });
  const account = useQuery({
    queryKey: ['loyalty-account', programId, contactId],
    enabled: /^[0-9a-f-]{36}$/i.test(contactId),
    retry: false,
    queryFn: ({ signal }) =>
      unwrap(
        api.GET('/api/v1/loyalty/programs/{id}/accounts/{contactId}', {
          params: { path: { id: programId, contactId } },
          signal,
        }),
      ),
  });
  const change = useMutation({
    mutationFn: () =>
      unwrap(
        api.POST('/api/v1/loyalty/programs/{id}/accounts/{contactId}/adjust', {
          params: { path: { id: programId, contactId } },
          body: { points: Number(adjust.points), reason: adjust.reason.trim() },
        }),
      ),
    onSuccess: () => {
      setAdjust({ points: '', reason: '' });
      void client.invalidateQueries({ queryKey: ['loyalty-account', programId, contactId] });
    },
  });
  // A contact without points is answered with balance 0 and no entries.
  const a = account.data;
  const notMember = !!a && a.balance === 0 && a.lifetime === 0 && !a.ledger.length;
  return (
    <section aria-labelledby="member-title">
      <Title order={3} size="h4" id="member-title">
        A member&apos;s points
      </Title>
      <form
        aria-label="Find a member"
        onSubmit={(e) => {
          e.preventDefault();
          setContactId(contactInput.trim());
        }}
      >
        <Group align="flex-end" mt="xs">
          <NativeSelect
            label="Program"
            value={programId}
            onChange={(e) => setProgramId(e.currentTarget.value)}
            data={programs.map((p) => ({ value: p.id, label: p.name }))}
          />
          <TextInput
            label="Contact id"
            value={contactInput}
            onChange={(e) => setContactInput(e.currentTarget.value)}
            w={340}
          />
          <Button type="submit" variant="light">
            Show
          </Button>
        </Group>
      </form>
      {notMember && <Text size="sm">No points in this program yet.</Text>}
      {account.error && <ErrorNotice error={account.error} onRetry={() => void account.refetch()} />}
      {a && !notMember && (
        <>
          <Text size="sm" role="status">
            Balance {a.balance.toLocaleString()} points · {a.lifetime.toLocaleString()} earned in all · tier{' '}
            {a.tier ?? 'none'}
          </Text>
          <Table aria-label="Latest points entries">
            <Table.Thead>
              <Table.Tr>
                <Table.Th scope="col">When</Table.Th>
                <Table.Th scope="col">Kind</Table.Th>
                <Table.Th scope="col">Points</Table.Th>
                <Table.Th scope="col">Why</Table.Th>
              </Table.Tr>
            </Table.Thead>
            <Table.Tbody>
              {a.ledger.map((l) => (
                <Table.Tr key={l.id}>
                  <Table.Th scope="row">{new Date(l.at).toLocaleString()}</Table.Th>
                  <Table.Td>{l.kind}</Table.Td>
                  <Table.Td>{l.points > 0 ? `+${l.points.toLocaleString()}` : l.points.toLocaleString()}</Table.Td>
                  <Table.Td>{l.reason ?? (l.orderId ? `order ${l.orderId.slice(0, 8)}` : '—')}</Table.Td>
                </Table.Tr>
              ))}
            </Table.Tbody>
          </Table>
        </>
      )}
      {can('marketing:write') && /^[0-9a-f-]{36}$/i.test(contactId) && a && (
        <form
          aria-label="Adjust points"
          onSubmit={(e) => {
            e.preventDefault();
            change.mutate();
          }}
        >
          <Group align="flex-end" mt="xs">
            <TextInput
              label="Points (negative to take away)"
              type="number"
              value={adjust.points}
              onChange={(e) => setAdjust({ ...adjust, points: e.currentTarget.value })}
              w={220}
            />
            <TextInput
              label="Reason"
              value={adjust.reason}
              onChange={(e) => setAdjust({ ...adjust, reason: e.currentTarget.value })}
              maxLength={500}
              w={260}
            />
            <Button type="submit" disabled={!adjust.points || !adjust.reason.trim()} loading={change.isPending}>
              Adjust
            </Button>
          </Group>
          {change.error && <ErrorNotice error={change.error} title="The points were not changed" />}
        </form>
      )}
    </section>
  );
}
