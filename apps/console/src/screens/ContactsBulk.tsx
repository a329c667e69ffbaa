import { Button, Group, NativeSelect, Progress, Stack, Text, TextInput } from '@mantine/core';
import { useMutation, useQueryClient } from '@tanstack/react-query';
import { useState, type FormEvent } from 'react';
import { api, unwrap } from '../api/client';
import { bulkPatch, describeChange, eachLimited, type BulkChange } from '../lib/bulk-edit';
import { ApiError, describeError } from '../lib/problem';

interface Selected {
  id: string;
  displayName: string;
}

/**
 * Changes the selected contacts one by one (the API has no bulk route): each is read for its
 * version and current tags, then patched with If-Match, once more after a version conflict.
 */
async function applyTo(id: string, change: BulkChange): Promise<'changed' | 'unchanged'> {
  for (let attempt = 0; ; attempt++) {
    const person = await unwrap(api.GET('/api/v1/contacts/{id}', { params: { path: { id } } }));
    const body = bulkPatch(change, person);
    if (!body) return 'unchanged';
    try {
      await unwrap(
        api.PATCH('/api/v1/contacts/{id}', {
          params: { path: { id }, header: { 'If-Match': `"${person.version}"` } as never },
          // The stage as it is (the generated body type asks for it; a default must not reset it).
          body: { ...body, lifecycleStage: person.lifecycleStage },
        }),
      );
      return 'changed';
    } catch (e) {
      if (attempt === 0 && e instanceof ApiError && e.code === 'VERSION_CONFLICT') continue;
      throw e;
    }
  }
}

/** Add or remove a tag, or set the owner, on every selected contact; progress and each refusal in words. */
export function ContactsBulk({ selected }: { selected: Selected[] }) {
  const client = useQueryClient();
  const [kind, setKind] = useState<BulkChange['kind']>('addTag');
  const [value, setValue] = useState('');
  const [done, setDone] = useState(0);
  const run = useMutation({
    mutationFn: async (change: BulkChange) => {
      setDone(0);
      const results = await eachLimited(selected, 4, (s) => applyTo(s.id, change), setDone);
      return { change, results };
    },
    onSuccess: () => void client.invalidateQueries({ queryKey: ['contacts'] }),
  });
  const submit = (e: FormEvent) => {
    e.preventDefault();
    const v = value.trim();
    if (!v) return;
    run.mutate(kind === 'owner' ? { kind, ownerId: v } : { kind, tag: v });
  };
  const outcome = run.data;
  const failed = outcome?.results.flatMap((r, i) => (r.status === 'rejected' ? [{ who: selected[i], r }] : [])) ?? [];
  const changed = outcome?.results.filter((r) => r.status === 'fulfilled' && r.value === 'changed').length ?? 0;
  return (
    <Stack gap="xs">
      <form onSubmit={submit} aria-label="Change the selected contacts">
        <Group align="flex-end" gap="sm">
          <Text size="sm" role="status">
            {selected.length} selected
          </Text>
          <NativeSelect
            label="Change"
            value={kind}
            onChange={(e) => setKind(e.currentTarget.value as BulkChange['kind'])}
            data={[
              { value: 'addTag', label: 'Add a tag' },
              { value: 'removeTag', label: 'Remove a tag' },
              { value: 'owner', label: 'Set the owner' },
            ]}
          />
          <TextInput
            label={kind === 'owner' ? 'Owner' : 'Tag'}
            value={value}
            onChange={(e) => setValue(e.currentTarget.value)}
            maxLength={kind === 'owner' ? 100 : 50}
            w={180}
          />
          <Button type="submit" disabled={!value.trim() || !selected.length} loading={run.isPending}>
            Apply to {selected.length}
          </Button>
        </Group>
      </form>
      {run.isPending && <Progress value={(done / Math.max(1, selected.length)) * 100} aria-label="Contacts changed" />}
      {outcome && (
        <Text size="sm" role="status">
          {describeChange(outcome.change)}: {changed} changed, {outcome.results.length - changed - failed.length}{' '}
          already so{failed.length ? `, ${failed.length} refused` : ''}.
        </Text>
      )}
      {failed.length > 0 && (
        <ul aria-label="Refused changes">
          {failed.map(({ who, r }) => (
            <li key={who.id}>
              <Text size="sm">
                {who.displayName}: {describeError(r.status === 'rejected' ? r.reason : undefined)}
              </Text>
            </li>
          ))}
        </ul>
      )}
    </Stack>
  );
}
