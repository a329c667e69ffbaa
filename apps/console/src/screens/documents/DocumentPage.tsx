import { Alert, Anchor, Badge, Button, Group, Loader, Stack, Table, Text, TextInput, Title } from '@mantine/core';
import { useMutation, useQuery, useQueryClient } from '@tanstack/react-query';
import { useEffect, useRef, useState, type FormEvent } from 'react';
import { api, download, fetchFile, rawRequest, unwrap, type Schemas } from '../../api/client';
import { ErrorNotice } from '../../components/ErrorNotice';
import { framesBlobs, looksLikePdf } from '../../lib/page-policy';
import { Link } from '../../lib/router';
import { useSession } from '../../session';
import { size } from './DocumentTable';

type Version = Schemas['VersionViewDto'];

const TEXT_TYPES = /^(text\/|application\/(json|xml|csv))/;
const IMAGE_TYPES = /^image\/(png|jpeg|gif|webp)$/;
const PREVIEW_BYTES = 5 * 1024 * 1024;
const PDF_PREVIEW_BYTES = 20 * 1024 * 1024;

type PreviewKind = 'image' | 'text' | 'pdf' | 'none';
const kindOf = (mediaType: string): PreviewKind =>
  IMAGE_TYPES.test(mediaType)
    ? 'image'
    : TEXT_TYPES.test(mediaType)
      ? 'text'
      : mediaType === 'application/pdf'
        ? 'pdf'
        : 'none';

/** One document: its versions (download any), a preview of the current one, a new version, the legal hold. */
export function DocumentPage({ id }: { id: string }) {
  const { can } = useSession();
  const client = useQueryClient();
  const doc = useQuery({
    queryKey: ['document', id],
    queryFn: ({ signal }) => unwrap(api.GET('/api/v1/documents/{id}', { params: { path: { id } }, signal })),
  });
  const versions = useQuery({
    queryKey: ['document', id, 'versions'],
    queryFn: ({ signal }) => unwrap(api.GET('/api/v1/documents/{id}/versions', { params: { path: { id } }, signal })),
  });
  const [shown, setShown] = useState('');
  const fileInput = useRef<HTMLInputElement>(null);
  const [uploaded, setUploaded] = useState('');
  const upload = useMutation({
    mutationFn: (file: File) =>
      // The file goes as the raw body, which openapi-fetch cannot send; the answer is the declared one.
      rawRequest<Version>(`/api/v1/documents/${id}/versions?fileName=${encodeURIComponent(file.name)}`, {
        method: 'POST',
        headers: { 'content-type': file.type || 'application/octet-stream' },
        body: file,
      }),
    onMutate: () => setUploaded(''),
    onSuccess: (v) => {
      setUploaded(`Version ${v.number} (${v.fileName}) added.`);
      setShown('');
      void client.invalidateQueries({ queryKey: ['document', id] });
      void client.invalidateQueries({ queryKey: ['documents'] });
    },
  });
  if (doc.error) return <ErrorNotice error={doc.error} onRetry={() => void doc.refetch()} />;
  if (!doc.data) return <Loader aria-label="Loading the document" />;
  const d = doc.data;
  const items = versions.data?.items ?? [];
  const current =
    items.find((v) => v.id === (d.pinnedVersionId ?? d.currentVersion?.id)) ?? d.currentVersion ?? undefined;
  const previewed = items.find((v) => v.id === shown) ?? current;
  return (
    <Stack>
      <Text size="sm">
        <Link to="/documents">Documents</Link>
        {d.links.map((l) => (
          <span key={`${l.kind}:${l.id}`}>
            {' · '}
            <Link to={`/documents?recordKind=${l.kind}&recordId=${l.id}`}>
              {l.kind} {l.id.slice(0, 8)}
            </Link>
          </span>
        ))}
      </Text>
      <Title order={2}>{d.title}</Title>
      <Group gap="xs">
        <Badge variant="outline" color="dark">
          {d.type}
        </Badge>
        {d.underHold && (
          <Badge variant="filled" color="red">
            On legal hold
          </Badge>
        )}
        {d.tags.map((t) => (
          <Badge key={t} variant="light" color="gray.8">
            {t}
          </Badge>
        ))}
      </Group>
      <Title order={3} size="h4">
        Versions
      </Title>
      {versions.error && <ErrorNotice error={versions.error} onRetry={() => void versions.refetch()} />}
      <Table striped aria-label="Versions">
        <Table.Thead>
          <Table.Tr>
            <Table.Th scope="col">Version</Table.Th>
            <Table.Th scope="col">File</Table.Th>
            <Table.Th scope="col">Size</Table.Th>
            <Table.Th scope="col">Added</Table.Th>
            <Table.Th scope="col">Text</Table.Th>
            <Table.Th scope="col">Actions</Table.Th>
          </Table.Tr>
        </Table.Thead>
        <Table.Tbody>
          {items.map((v) => (
            <Table.Tr key={v.id}>
              <Table.Th scope="row">
                {v.number}
                {v.id === current?.id ? ' (current)' : ''}
              </Table.Th>
              <Table.Td>{v.fileName}</Table.Td>
              <Table.Td>{size(v.size)}</Table.Td>
              <Table.Td>
                {new Date(v.createdAt).toLocaleString()} by {v.authorId}
              </Table.Td>
              <Table.Td>{v.text.status}</Table.Td>
              <Table.Td>
                <Group gap="xs" wrap="nowrap">
                  <Anchor
                    component="button"
                    type="button"
                    aria-label={`Download version ${v.number}`}
                    onClick={() =>
                      void download(
                        `/api/v1/documents/${id}/versions/${v.id}/content?disposition=attachment`,
                        v.fileName,
                      )
                    }
                  >
                    Download
                  </Anchor>
                  <Anchor
                    component="button"
                    type="button"
                    aria-label={`Preview version ${v.number}`}
                    onClick={() => setShown(v.id)}
                  >
                    Preview
                  </Anchor>
                </Group>
              </Table.Td>
            </Table.Tr>
          ))}
        </Table.Tbody>
      </Table>
      {can('documents:write') && (
        <Group>
          <Button variant="light" size="xs" onClick={() => fileInput.current?.click()} loading={upload.isPending}>
            Upload a new version
          </Button>
          <input
            ref={fileInput}
            type="file"
            aria-label="New version"
            className="visually-hidden"
            onChange={(e) => {
              const f = e.currentTarget.files?.[0];
              if (f) upload.mutate(f);
              e.currentTarget.value = '';
            }}
          />
          <Text role="status" size="sm">
            {uploaded}
          </Text>
        </Group>
      )}
      {upload.error && <ErrorNotice error={upload.error} title="Not uploaded" />}
      {previewed && <Preview documentId={id} version={previewed} />}
      <Hold document={d} />
    </Stack>
  );
}

/**
 * Images and text shown in the page; a PDF in a frame of a blob: address made here from the checked
 * bytes, when the page's policy allows framing blob: (else opened in a tab of its own); other kinds downloaded.
 */
function Preview({ documentId, version }: { documentId: string; version: Version }) {
  const kind = kindOf(version.mediaType);
  const limit = kind === 'pdf' ? PDF_PREVIEW_BYTES : PREVIEW_BYTES;
  const content = useQuery({
    queryKey: ['document-preview', version.id],
    enabled: kind !== 'none' && version.size <= limit,
    staleTime: Infinity,
    queryFn: async () => {
      const blob = await fetchFile(`/api/v1/documents/${documentId}/versions/${version.id}/content?disposition=inline`);
      if (kind === 'text') return (await blob.text()).slice(0, 100_000);
      if (kind === 'pdf') return blob;
      // A data: address, which the page's img-src allows (a blob: one it does not).
      return new Promise<string>((res, rej) => {
        const r = new FileReader();
        r.onload = () => res(String(r.result));
        r.onerror = () => rej(r.error ?? new Error('The image could not be read'));
        r.readAsDataURL(blob);
      });
    },
  });
  return (
    <section aria-label="Preview">
      <Title order={3} size="h4">
        Preview of version {version.number}
      </Title>
      {kind === 'none' && (
        <Text size="sm">{version.mediaType} files are not shown here; download the version to open it.</Text>
      )}
      {kind !== 'none' && version.size > limit && (
        <Text size="sm">Too large to preview ({size(version.size)}); download it instead.</Text>
      )}
      {content.error && <ErrorNotice error={content.error} onRetry={() => void content.refetch()} />}
      {content.isLoading && <Loader aria-label="Loading the preview" size="sm" />}
      {typeof content.data === 'string' && kind === 'text' && (
        // Scrolls when long: focusable so a keyboard can scroll it.
        <pre className="document-text" tabIndex={0} aria-label={`Text of version ${version.number}`}>
          {content.data}
        </pre>
      )}
      {typeof content.data === 'string' && kind === 'image' && (
        <img src={content.data} alt={`Version ${version.number}: ${version.fileName}`} className="document-image" />
      )}
      {content.data instanceof Blob && kind === 'pdf' && <PdfPreview file={content.data} version={version} />}
    </section>
  );
}

/** The page's own policy, read once from its headers: whether it lets this page frame the blob: it makes. */
function useFramesBlobs(): boolean | undefined {
  const policy = useQuery({
    queryKey: ['page-policy'],
    staleTime: Infinity,
    queryFn: async () => {
      const res = await fetch('/', { credentials: 'same-origin', cache: 'no-store' });
      return framesBlobs(res.headers.get('content-security-policy'));
    },
  });
  return policy.data;
}

/**
 * Only bytes that are a PDF become a blob: of type application/pdf, so the frame can hold nothing
 * else (no HTML of the page's origin); the address is revoked when the preview goes.
 */
function PdfPreview({ file, version }: { file: Blob; version: Version }) {
  const frames = useFramesBlobs();
  const [url, setUrl] = useState<string | null>(null);
  const [bad, setBad] = useState(false);
  useEffect(() => {
    let made: string | null = null;
    let live = true;
    void file.arrayBuffer().then((bytes) => {
      if (!live) return;
      if (!looksLikePdf(new Uint8Array(bytes, 0, Math.min(1024, bytes.byteLength)))) return setBad(true);
      made = URL.createObjectURL(new Blob([bytes], { type: 'application/pdf' }));
      setUrl(made);
    });
    return () => {
      live = false;
      if (made) URL.revokeObjectURL(made);
    };
  }, [file]);
  if (bad) return <Text size="sm">This version is marked as a PDF but is not one; download it to look at it.</Text>;
  if (!url || frames === undefined) return <Loader aria-label="Loading the preview" size="sm" />;
  const label = `PDF of version ${version.number}: ${version.fileName}`;
  return frames ? (
    <iframe src={url} title={label} className="document-pdf" />
  ) : (
    <Text size="sm">
      This page may not embed files.{' '}
      <Anchor href={url} target="_blank" rel="noopener">
        Open {version.fileName} in a new tab
      </Anchor>
    </Text>
  );
}

/** The document's legal hold: placed or released with a reason (documents:admin), shown to everyone. */
function Hold({ document: d }: { document: Schemas['DocumentViewDto'] }) {
  const { can } = useSession();
  const client = useQueryClient();
  const holds = useQuery({
    queryKey: ['document', d.id, 'holds'],
    queryFn: ({ signal }) =>
      unwrap(api.GET('/api/v1/documents/holds', { params: { query: { documentId: d.id, active: 'true' } }, signal })),
  });
  const [reason, setReason] = useState('');
  const active = holds.data?.items.filter((h) => h.active) ?? [];
  const own = active.find((h) => h.documentId === d.id);
  const toggle = useMutation({
    mutationFn: () =>
      own
        ? unwrap(
            api.POST('/api/v1/documents/holds/{holdId}/release', {
              params: { path: { holdId: own.holdId } },
              body: { reason },
            }),
          )
        : unwrap(api.POST('/api/v1/documents/{id}/holds', { params: { path: { id: d.id } }, body: { reason } })),
    onSuccess: () => {
      setReason('');
      void client.invalidateQueries({ queryKey: ['document', d.id] });
      void client.invalidateQueries({ queryKey: ['documents'] });
    },
  });
  const submit = (e: FormEvent) => {
    e.preventDefault();
    toggle.mutate();
  };
  return (
    <section aria-label="Legal hold">
      <Title order={3} size="h4">
        Legal hold
      </Title>
      {holds.error && <ErrorNotice error={holds.error} onRetry={() => void holds.refetch()} />}
      {active.length === 0 && holds.data && (
        <Text size="sm">Not on hold: retention may delete it when its time comes.</Text>
      )}
      {active.map((h) => (
        <Alert key={h.holdId} color="red" title={h.documentId ? 'On legal hold' : 'Held with its record'}>
          <Text size="sm">
            {h.reason} (placed by {h.placedBy}, {new Date(h.placedAt).toLocaleString()})
          </Text>
        </Alert>
      ))}
      {can('documents:admin') && (
        <form onSubmit={submit} aria-label={own ? 'Release the hold' : 'Place a hold'}>
          <Group align="flex-end" mt="xs">
            <TextInput
              label={own ? 'Why it is released' : 'Why it is held'}
              value={reason}
              onChange={(e) => setReason(e.currentTarget.value)}
              maxLength={2000}
              w={360}
            />
            <Button type="submit" color={own ? 'gray' : 'red'} disabled={!reason.trim()} loading={toggle.isPending}>
              {own ? 'Release the hold' : 'Place on legal hold'}
            </Button>
          </Group>
        </form>
      )}
      {toggle.error && <ErrorNotice error={toggle.error} title="The hold was not changed" />}
    </section>
  );
}
