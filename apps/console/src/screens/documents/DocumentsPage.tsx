import { Anchor, Button, Group, NativeSelect, Progress, Stack, Text, TextInput, Title } from '@mantine/core';
import { useMutation, useQuery, useQueryClient } from '@tanstack/react-query';
import { useRef, useState, type DragEvent, type FormEvent } from 'react';
import { api, download, sendFile, unwrap, type Schemas } from '../../api/client';
import { ErrorNotice } from '../../components/ErrorNotice';
import { DocumentTable, KINDS, type RecordKind } from './DocumentTable';
import { navigate, useLocation } from '../../lib/router';
import { useSession } from '../../session';

const asKind = (v: string | null): RecordKind => KINDS.find((k) => k === v) ?? 'contact';

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
  const recordKind = asKind(params.get('recordKind'));
  const recordId = params.get('recordId') ?? '';
  const [idInput, setIdInput] = useState(recordId);
  const [progress, setProgress] = useState<string>('');
  const [sent, setSent] = useState<number | null>(null);
  const [over, setOver] = useState(false);
  const fileInput = useRef<HTMLInputElement>(null);
  const upload = useMutation({
    mutationFn: async (file: File) => {
      setProgress(`Uploading ${file.name}…`);
      setSent(0);
      const doc = await unwrap(
        api.POST('/api/v1/documents', {
          body: {
            title: file.name.replace(/\.[^.]+$/, '') || file.name,
            type: 'other',
            links: [{ kind: recordKind, id: recordId }],
          },
        }),
      );
      // The file goes as the raw body, which openapi-fetch cannot send (and with its progress); the answer is the declared one.
      await sendFile<Schemas['VersionViewDto']>(
        `/api/v1/documents/${doc.id}/versions?fileName=${encodeURIComponent(file.name)}`,
        file,
        setSent,
      );
      return file.name;
    },
    onSuccess: (name) => {
      setProgress(`${name} uploaded.`);
      void client.invalidateQueries({ queryKey: ['documents'] });
    },
    onError: () => (setProgress(''), setSent(null)),
  });
  const [q, setQ] = useState('');
  const [asked, setAsked] = useState('');
  const hits = useQuery({
    queryKey: ['documents-search', asked],
    enabled: !!asked,
    queryFn: ({ signal }) =>
      unwrap(api.GET('/api/v1/documents/search', { params: { query: { q: asked, limit: 20 } }, signal })),
    // Text is extracted after the upload: until something is found, ask again now and then.
    refetchInterval: (query) => (query.state.data?.items.length ? false : 2000),
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
              navigate(
                `/documents?recordKind=${asKind(e.currentTarget.value)}&recordId=${encodeURIComponent(recordId)}`,
                true,
              )
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
          {sent !== null && (
            <Progress
              value={Math.round(sent * 100)}
              animated={upload.isPending}
              aria-label="Upload progress"
              className="upload-progress"
            />
          )}
          <Text role="status" size="sm">
            {progress}
          </Text>
        </div>
      )}
      {upload.error && <ErrorNotice error={upload.error} title="Not uploaded" />}
      {recordId && <DocumentTable recordKind={recordKind} recordId={recordId} />}
    </Stack>
  );
}
