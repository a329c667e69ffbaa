import { Alert, Button, Group, Loader, Radio, Stack, Table, Text, Title } from '@mantine/core';
import { useMutation, useQuery, useQueryClient } from '@tanstack/react-query';
import { useState } from 'react';
import { api, unwrap, type Person } from '../api/client';
import { ErrorNotice } from '../components/ErrorNotice';
import { MERGE_FIELDS, mergePatch, type MergeField, type MergeSide } from '../lib/merge-choice';
import { Link, navigate } from '../lib/router';

const LABELS: Record<MergeField, string> = {
  firstName: 'First name',
  lastName: 'Last name',
  lifecycleStage: 'Stage',
  country: 'Country',
  city: 'City',
  occupation: 'Occupation',
};

/**
 * Two records side by side: which one stays, and for each field which value. The API folds the
 * other record into the kept one (emails, phones, tags, activities, consent); the values picked
 * from the other side are then written to the kept one.
 */
export function MergeContacts({ id, otherId }: { id: string; otherId: string }) {
  const client = useQueryClient();
  const load = (cid: string) => () => unwrap(api.GET('/api/v1/contacts/{id}', { params: { path: { id: cid } } }));
  const a = useQuery({ queryKey: ['contact', id], queryFn: load(id) });
  const b = useQuery({ queryKey: ['contact', otherId], queryFn: load(otherId) });
  const [keep, setKeep] = useState<'a' | 'b'>('a');
  const [choice, setChoice] = useState<Partial<Record<MergeField, 'a' | 'b'>>>({});
  const merge = useMutation({
    mutationFn: async () => {
      const kept = (keep === 'a' ? a.data : b.data) as Person;
      const other = (keep === 'a' ? b.data : a.data) as Person;
      const sides: Partial<Record<MergeField, MergeSide>> = {};
      for (const f of MERGE_FIELDS) sides[f] = (choice[f] ?? keep) === keep ? 'kept' : 'other';
      const merged = await unwrap(
        api.POST('/api/v1/contacts/{id}/merge', { params: { path: { id: kept.id } }, body: { sourceId: other.id } }),
      );
      const patch = mergePatch(kept, other, sides);
      if (!Object.keys(patch).length) return merged;
      return unwrap(
        api.PATCH('/api/v1/contacts/{id}', {
          params: { path: { id: kept.id }, header: { 'If-Match': `"${merged.version}"` } as never },
          body: patch as never,
        }),
      );
    },
    onSuccess: (p) => {
      void client.invalidateQueries();
      navigate(`/contacts/${p.id}`);
    },
  });
  if (a.isPending || b.isPending) return <Loader aria-label="Loading both contacts" />;
  if (a.error || b.error)
    return <ErrorNotice error={a.error ?? b.error} onRetry={() => void (a.refetch(), b.refetch())} />;
  const people = { a: a.data as Person, b: b.data as Person };
  return (
    <Stack>
      <Title order={2}>Merge contacts</Title>
      <Text size="sm">
        Emails, phones, tags, activities and consent of both are kept. Pick the record that stays and the values it
        keeps.
      </Text>
      <Table aria-label="Side by side" withColumnBorders>
        <Table.Thead>
          <Table.Tr>
            <Table.Th scope="col">Field</Table.Th>
            {(['a', 'b'] as const).map((side) => (
              <Table.Th scope="col" key={side}>
                <Radio
                  name="keep"
                  checked={keep === side}
                  onChange={() => setKeep(side)}
                  label={`Keep ${people[side].displayName}`}
                />
              </Table.Th>
            ))}
          </Table.Tr>
        </Table.Thead>
        <Table.Tbody>
          {MERGE_FIELDS.map((f) => (
            <Table.Tr key={f}>
              <Table.Th scope="row">{LABELS[f]}</Table.Th>
              {(['a', 'b'] as const).map((side) => (
                <Table.Td key={side}>
                  <Radio
                    name={`field-${f}`}
                    checked={(choice[f] ?? keep) === side}
                    onChange={() => setChoice((c) => ({ ...c, [f]: side }))}
                    label={people[side][f] || '—'}
                    aria-label={`${LABELS[f]}: ${people[side][f] || 'empty'} from ${people[side].displayName}`}
                  />
                </Table.Td>
              ))}
            </Table.Tr>
          ))}
          <Table.Tr>
            <Table.Th scope="row">Emails</Table.Th>
            {(['a', 'b'] as const).map((side) => (
              <Table.Td key={side}>{people[side].emails.map((e) => e.address).join(', ') || '—'}</Table.Td>
            ))}
          </Table.Tr>
        </Table.Tbody>
      </Table>
      <Alert color="yellow">The other record is folded in and then answers as merged; this cannot be undone.</Alert>
      {merge.error && <ErrorNotice error={merge.error} />}
      <Group>
        <Button color="red" onClick={() => merge.mutate()} loading={merge.isPending}>
          Merge into {people[keep].displayName}
        </Button>
        <Button variant="default" component={Link} to={`/contacts/${id}`}>
          Cancel
        </Button>
      </Group>
    </Stack>
  );
}
