import { Button, Group, Loader, NativeSelect, Stack, Table, Text, TextInput, Title } from '@mantine/core';
import { keepPreviousData, useMutation, useQuery } from '@tanstack/react-query';
import { useState } from 'react';
import { api, unwrap } from '../../api/client';
import { ErrorNotice } from '../../components/ErrorNotice';
import { ApiError } from '../../lib/problem';
import { FIELDS, OP_LABELS, needsValue, toDefinition, type Condition } from '../../lib/segment-definition';
import { useDebounced } from '../../lib/use-debounced';
import { useSession } from '../../session';
import { MarketingNav } from './MarketingNav';

const blank = (): Condition => ({ field: 'tags', op: 'hasTag', value: '' });

/** Conditions in rows, the number of contacts they hold now counted as you type (nothing saved until "Save"). */
export function SegmentBuilder() {
  const { can } = useSession();
  const [match, setMatch] = useState<'and' | 'or'>('and');
  const [rows, setRows] = useState<Condition[]>([blank()]);
  const [name, setName] = useState('');
  const definition = useDebounced(JSON.stringify(toDefinition(match, rows)), 300);
  const parsed = JSON.parse(definition) as Record<string, unknown> | null;
  const preview = useQuery({
    queryKey: ['segment-preview', definition],
    enabled: parsed !== null,
    placeholderData: keepPreviousData,
    refetchInterval: 10_000,
    queryFn: ({ signal }) =>
      unwrap(api.POST('/api/v1/segments/preview', { body: { definition: parsed ?? {}, sample: 10 }, signal })),
  });
  const save = useMutation({
    mutationFn: () =>
      unwrap(api.POST('/api/v1/segments', { body: { name, kind: 'dynamic', definition: parsed ?? {} } })),
  });
  const problem = preview.error instanceof ApiError ? preview.error.problem : undefined;
  const rowError = (i: number) =>
    problem?.errors
      ?.filter((e) => e.field.includes(`.${i}`) || e.field === `definition.${match}.${i}.value`)
      .map((e) => e.message)
      .join('; ');
  const set = (i: number, patch: Partial<Condition>) =>
    setRows((rs) => rs.map((r, j) => (j === i ? { ...r, ...patch } : r)));
  return (
    <Stack>
      <MarketingNav />
      <Title order={2}>Segment builder</Title>
      <NativeSelect
        label="Contacts matching"
        value={match}
        onChange={(e) => setMatch(e.currentTarget.value as 'and' | 'or')}
        data={[
          { value: 'and', label: 'all of these conditions' },
          { value: 'or', label: 'any of these conditions' },
        ]}
        w={300}
      />
      <Stack gap="xs" component="ol" className="board-cards" aria-label="Conditions">
        {rows.map((r, i) => {
          const field = FIELDS.find((f) => f.value === r.field) ?? FIELDS[0];
          return (
            <Group key={i} component="li" align="flex-end" gap="xs">
              <NativeSelect
                label={`Condition ${i + 1} field`}
                value={r.field}
                onChange={(e) => {
                  const f = FIELDS.find((x) => x.value === e.currentTarget.value) ?? FIELDS[0];
                  set(i, { field: f.value, op: f.ops[0], value: '' });
                }}
                data={FIELDS.map((f) => ({ value: f.value, label: f.label }))}
              />
              <NativeSelect
                label={`Condition ${i + 1} test`}
                value={r.op}
                onChange={(e) => set(i, { op: e.currentTarget.value })}
                data={field.ops.map((o) => ({ value: o, label: OP_LABELS[o] ?? o }))}
              />
              {needsValue(r.op) && (
                <TextInput
                  label={`Condition ${i + 1} value`}
                  value={r.value}
                  type={field.kind === 'number' ? 'number' : 'text'}
                  onChange={(e) => set(i, { value: e.currentTarget.value })}
                  error={rowError(i)}
                  maxLength={200}
                />
              )}
              <Button
                variant="default"
                onClick={() => setRows((rs) => rs.filter((_, j) => j !== i))}
                disabled={rows.length === 1}
                aria-label={`Remove condition ${i + 1}`}
              >
                Remove
              </Button>
            </Group>
          );
        })}
      </Stack>
      <Group>
        <Button variant="light" onClick={() => setRows((rs) => [...rs, blank()])} disabled={rows.length >= 20}>
          Add condition
        </Button>
      </Group>
      <section aria-label="Live count">
        {parsed === null ? (
          <Text role="status">Add a condition with a value to count its contacts.</Text>
        ) : preview.data ? (
          <Text role="status" fw={700} size="lg" aria-live="polite">
            {preview.data.count === 1 ? '1 contact' : `${preview.data.count} contacts`}
          </Text>
        ) : (
          preview.isFetching && <Loader aria-label="Counting" size="sm" />
        )}
        {preview.error && !rowError(0) && <ErrorNotice error={preview.error} onRetry={() => void preview.refetch()} />}
      </section>
      {preview.data && preview.data.sample.length > 0 && (
        <Table striped aria-label="Sample of the segment">
          <Table.Thead>
            <Table.Tr>
              <Table.Th scope="col">Name</Table.Th>
              <Table.Th scope="col">Country</Table.Th>
              <Table.Th scope="col">Stage</Table.Th>
            </Table.Tr>
          </Table.Thead>
          <Table.Tbody>
            {preview.data.sample.map((s) => (
              <Table.Tr key={s.contactId}>
                <Table.Td>{s.displayName}</Table.Td>
                <Table.Td>{s.country}</Table.Td>
                <Table.Td>{s.lifecycleStage}</Table.Td>
              </Table.Tr>
            ))}
          </Table.Tbody>
        </Table>
      )}
      {can('marketing:write') && (
        <Group align="flex-end">
          <TextInput
            label="Segment name"
            value={name}
            onChange={(e) => setName(e.currentTarget.value)}
            maxLength={200}
          />
          <Button onClick={() => save.mutate()} disabled={!name.trim() || parsed === null} loading={save.isPending}>
            Save segment
          </Button>
          {save.isSuccess && <Text role="status">Saved.</Text>}
        </Group>
      )}
      {save.error && <ErrorNotice error={save.error} title="Not saved" />}
    </Stack>
  );
}
