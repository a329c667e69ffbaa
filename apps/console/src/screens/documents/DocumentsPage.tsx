import {
  Anchor,
  Button,
  Group,
  Loader,
  NativeSelect,
  Progress,
  Stack,
  Table,
  Text,
  TextInput,
  Title,
} from '@mantine/core';
import { useMutation, useQuery, useQueryClient } from '@tanstack/react-query';
import { useRef, useState, type DragEvent, type FormEvent } from 'react';
import { api, download, rawRequest, unwrap } from '../../api/client';
import { ErrorNotice } from '../../components/ErrorNotice';
import { navigate, useLocation } from '../../lib/router';
import { useSession } from '../../session';

const KINDS = ['contact', 'account', 'deal', 'quote', 'order', 'ticket', 'campaign'];

interface DocumentRow {
  id: string;
  title: string;
  type: string;
  createdAt: string;
  currentVersion?: {
    fileName: string | null;
    mediaType: string | null;
    sizeBytes?: number;
    textStatus?: string;
  } | null;
}
interface Hit {
  id: string;
  title: string;
  snippet: string;
  fileName: string | null;
}

/** « and » around the matched words, as the API marks them, shown as <mark>. */
function Snippet({ text }: { text: string }) {
  const parts = text.split(/«|»/);
  return <>{parts.map((p, i) => (i % 2 ? <mark key={i}>{p}</mark> : <span key={i}>{p}</span>))}</>;
}

/** A record's documents, upload by drag and drop or file picker, and full-text search. */
export function DocumentsPage() {
  const { can } = useSession();
  const client = useQueryClient();
  const { search } = useLocation();
  const params = new URLSearchParams(search);
  const recordKind = params.get('recordKind') ?? 'contact';
  const recordId = params.get('recordId') ?? '';
  const [idInput, setIdInput] = useState(recordId);
  const [progress, setProgress] = useState<string>('');
  const [over, setOver] = useState(false);
  const fileInput = useRef<HTMLInputElement>(null);
  const docs = useQuery({
    queryKey: ['documents', recordKind, recordId],
    enabled: !!recordId,
    queryFn: ({ signal }) =>
      unwrap(
        api.GET('/api/v1/documents', { params: { query: { recordKind, recordId, limit: 50 } as never }, signal }),
      ) as Promise<unknown> as Promise<{ items: DocumentRow[] }>,
  });
  const upload = useMutation({
    mutationFn: async (file: File) => {
      setProgress(`Uploading ${file.name}…`);
      const doc = await rawRequest<{ id: string }>('/api/v1/documents', {
        method: 'POST',
        headers: { 'content-type': 'application/json' },
        body: JSON.stringify({
          title: file.name.replace(/\.[^.]+$/, '') || file.name,
          type: 'other',
          links: [{ kind: recordKind, id: recordId }],
        }),
      });
      await rawRequest(`/api/v1/documents/${doc.id}/versions?fileName=${encodeURIComponent(file.name)}`, {
        method: 'POST',
        headers: { 'content-type': file.type || 'application/octet-stream' },
        body: file,
      });
      return file.name;
    },
    onSuccess: (name) => {
      setProgress(`${name} uploaded.`);
      void client.invalidateQueries({ queryKey: ['documents'] });
    },
    onError: () => setProgress(''),
  });
  const [q, setQ] = useState('');
  const [asked, setAsked] = useState('');
  const hits = useQuery<{ items: Hit[] }>({
    queryKey: ['documents-search', asked],
    enabled: !!asked,
    // Text is extracted after the upload: until something is found, ask again now and then.
    refetchInterval: (query) => (query.state.data?.items.length ? false : 2000),
    queryFn: ({ signal }) =>
      unwrap(
        api.GET('/api/v1/documents/search', { params: { query: { q: asked, limit: 20 } as never }, signal }),
      ) as Promise<unknown> as Promise<{ items: Hit[] }>,
  });
  const files = (list: FileList | null) => {
    for (const f of Array.from(list ?? [])) upload.mutate(f);
  };
  const onDrop = (e: DragEvent<HTMLDivElement>) => {
    e.preventDefault();
    setOver(false);
    files(e.dataTransfer.files);
  };
  const chooseRecord = (e: FormEvent) => {
    e.preventDefault();
    navigate(`/documents?recordKind=${recordKind}&recordId=${encodeURIComponent(idInput.trim())}`, true);
  };
  return (
    <Stack>
      <Title order={2}>Documents</Title>
      <form role="search" aria-label="Search documents" onSubmit={(e) => (e.preventDefault(), setAsked(q.trim()))}>
        <Group align="flex-end">
          <TextInput
            label="Search inside documents"
            value={q}
            onChange={(e) => setQ(e.currentTarget.value)}
            maxLength={200}
            w={320}
          />
          <Button type="submit">Search</Button>
        </Group>
      </form>
      {hits.error && <ErrorNotice error={hits.error} onRetry={() => void hits.refetch()} />}
      {asked && (
        <section aria-label="Search results">
          {hits.data && !hits.data.items.length && <Text role="status">Nothing found yet for “{asked}”.</Text>}
          <Stack component="ol" className="board-cards" gap="xs">
            {(hits.data?.items ?? []).map((h) => (
              <li key={h.id}>
                <Anchor
                  component="button"
                  type="button"
                  onClick={() => void download(`/api/v1/documents/${h.id}/content`, h.fileName ?? h.title)}
                >
                  {h.title}
                </Anchor>
                {h.fileName && (
                  <Text span size="xs" c="gray.7">
                    {' '}
                    · {h.fileName}
                  </Text>
                )}
                <Text size="sm">
                  <Snippet text={h.snippet} />
                </Text>
              </li>
            ))}
          </Stack>
        </section>
      )}
      <Title order={3} size="h4">
        By record
      </Title>
      <form onSubmit={chooseRecord}>
        <Group align="flex-end">
          <NativeSelect
            label="Record kind"
            value={recordKind}
            onChange={(e) =>
              navigate(`/documents?recordKind=${e.currentTarget.value}&recordId=${encodeURIComponent(recordId)}`, true)
            }
            data={KINDS}
          />
          <TextInput
            label="Record id"
            value={idInput}
            onChange={(e) => setIdInput(e.currentTarget.value)}
            maxLength={36}
            w={340}
          />
          <Button type="submit" variant="light">
            Show
          </Button>
        </Group>
      </form>
      {recordId && can('documents:write') && (
        <div
          className={over ? 'drop-zone drop-zone-over' : 'drop-zone'}
          onDragOver={(e) => (e.preventDefault(), setOver(true))}
          onDragLeave={() => setOver(false)}
          onDrop={onDrop}
        >
          <Text size="sm">Drop files here, or</Text>
          <Button variant="light" size="xs" onClick={() => fileInput.current?.click()}>
            Choose files
          </Button>
          <input
            ref={fileInput}
            type="file"
            multiple
            aria-label="Upload files"
            className="visually-hidden"
            onChange={(e) => {
              files(e.currentTarget.files);
              e.currentTarget.value = '';
            }}
          />
          {upload.isPending && <Progress value={100} animated aria-label="Upload progress" />}
          <Text role="status" size="sm">
            {progress}
          </Text>
        </div>
      )}
      {upload.error && <ErrorNotice error={upload.error} title="Not uploaded" />}
      {docs.error && <ErrorNotice error={docs.error} onRetry={() => void docs.refetch()} />}
      {docs.isLoading && <Loader aria-label="Loading documents" />}
      {docs.data && (
        <Table striped aria-label="Documents of the record">
          <Table.Thead>
            <Table.Tr>
              <Table.Th scope="col">Title</Table.Th>
              <Table.Th scope="col">Type</Table.Th>
              <Table.Th scope="col">Added</Table.Th>
            </Table.Tr>
          </Table.Thead>
          <Table.Tbody>
            {docs.data.items.map((d) => (
              <Table.Tr key={d.id}>
                <Table.Td>
                  <Anchor
                    component="button"
                    type="button"
                    onClick={() => void download(`/api/v1/documents/${d.id}/content`, d.title)}
                  >
                    {d.title}
                  </Anchor>
                </Table.Td>
                <Table.Td>{d.type}</Table.Td>
                <Table.Td>{new Date(d.createdAt).toLocaleString()}</Table.Td>
              </Table.Tr>
            ))}
          </Table.Tbody>
        </Table>
      )}
    </Stack>
  );
}
