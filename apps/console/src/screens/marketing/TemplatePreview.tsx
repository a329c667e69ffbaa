import { Group, NativeSelect, Stack, Text, TextInput, Title } from '@mantine/core';
import { useQuery } from '@tanstack/react-query';
import { useState } from 'react';
import { api, unwrap } from '../../api/client';
import { ErrorNotice } from '../../components/ErrorNotice';
import { useDebounced } from '../../lib/use-debounced';

/** A template as one person would get it: find them by name, see the subject and the text (HTML is not run here). */
export function TemplatePreview({ templateId }: { templateId: string }) {
  const [name, setName] = useState('');
  const [contactId, setContactId] = useState('');
  const q = useDebounced(name.trim(), 300);
  const people = useQuery({
    queryKey: ['preview-people', q],
    enabled: q.length >= 2,
    queryFn: ({ signal }) => unwrap(api.GET('/api/v1/contacts', { params: { query: { q, limit: 10 } }, signal })),
  });
  const found = people.data?.items ?? [];
  const chosen = found.some((p) => p.id === contactId) ? contactId : (found[0]?.id ?? '');
  const preview = useQuery({
    queryKey: ['template-preview', templateId, chosen],
    enabled: !!templateId && !!chosen,
    queryFn: ({ signal }) =>
      unwrap(
        api.POST('/api/v1/templates/{id}/preview', {
          params: { path: { id: templateId } },
          body: { contactId: chosen },
          signal,
        }),
      ),
  });
  return (
    <Stack gap="xs" component="section" aria-label="Template preview">
      <Title order={4} size="h5">
        Preview for a contact
      </Title>
      <Group align="flex-end">
        <TextInput label="Contact name" value={name} onChange={(e) => setName(e.currentTarget.value)} maxLength={200} />
        {found.length > 0 && (
          <NativeSelect
            label="Contact"
            value={chosen}
            onChange={(e) => setContactId(e.currentTarget.value)}
            data={found.map((p) => ({ value: p.id, label: p.displayName }))}
          />
        )}
      </Group>
      {q.length >= 2 && people.data && !found.length && <Text size="sm">Nobody by that name.</Text>}
      {preview.error && <ErrorNotice error={preview.error} onRetry={() => void preview.refetch()} />}
      {preview.data && (
        <div>
          {preview.data.subject && (
            <Text size="sm" fw={700}>
              Subject: {preview.data.subject}
            </Text>
          )}
          <pre className="document-text" tabIndex={0} aria-label="Message text">
            {preview.data.text}
          </pre>
        </div>
      )}
    </Stack>
  );
}
