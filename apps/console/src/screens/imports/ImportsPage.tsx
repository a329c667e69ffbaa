import { Alert, Button, Group, NativeSelect, Progress, Stack, Table, Text, TextInput, Title } from '@mantine/core';
import { useMutation } from '@tanstack/react-query';
import { useEffect, useRef, useState } from 'react';
import { api, download, rawRequest, streamEvents, unwrap, type Schemas } from '../../api/client';
import { ErrorNotice } from '../../components/ErrorNotice';
import { csvHeader, guessField, IMPORT_FIELDS } from '../../lib/imports';

type Status = Schemas['ImportStatusDto'];
const ENDED: Status['status'][] = ['completed', 'cancelled', 'failed'];

/** Contacts from a CSV: map its columns, try it as a dry run, then import it, the progress as the server streams it. */
export function ImportsPage() {
  const [file, setFile] = useState<File | null>(null);
  const [headers, setHeaders] = useState<string[]>([]);
  const [columns, setColumns] = useState<Record<string, string>>({});
  const [onMatch, setOnMatch] = useState<'skip' | 'update'>('skip');
  const [status, setStatus] = useState<Status | null>(null);
  const fileInput = useRef<HTMLInputElement>(null);
  const stream = useRef<AbortController | null>(null);
  useEffect(() => () => stream.current?.abort(), []);

  const choose = async (f: File | undefined) => {
    if (!f) return;
    setFile(f);
    setStatus(null);
    const head = await f.slice(0, 64 * 1024).text();
    const found = csvHeader(head.split(/\r?\n/)[0] ?? '');
    setHeaders(found);
    setColumns(Object.fromEntries(found.map((h) => [h, guessField(h)])));
  };
  const mapped = Object.fromEntries(Object.entries(columns).filter(([, field]) => field));

  const run = useMutation({
    mutationFn: async (dryRun: boolean) => {
      if (!file) throw new Error('Choose a CSV file first.');
      stream.current?.abort();
      const mapping = await unwrap(
        api.POST('/api/v1/import-mappings', {
          body: { name: `${file.name} ${new Date().toISOString()}`, columns: mapped },
        }),
      );
      const params = new URLSearchParams({ mappingId: mapping.id, dryRun: String(dryRun), onMatch });
      // The CSV goes as the raw body, which openapi-fetch cannot send; the answer is the declared one.
      const started = await rawRequest<Status>(`/api/v1/imports?${params.toString()}`, {
        method: 'POST',
        headers: { 'content-type': 'text/csv' },
        body: file,
      });
      setStatus(started);
      if (ENDED.includes(started.status)) return started;
      const abort = new AbortController();
      stream.current = abort;
      let last = started;
      await streamEvents(
        `/api/v1/imports/${started.id}/events`,
        (event, data) => {
          if (event !== 'progress') return;
          last = JSON.parse(data) as Status;
          setStatus(last);
        },
        abort.signal,
      );
      // The stream ends with the import; its last word is asked once more in case an event was missed.
      const final = await unwrap(api.GET('/api/v1/imports/{id}', { params: { path: { id: started.id } } }));
      setStatus(final);
      return final;
    },
  });
  const cancel = useMutation({
    mutationFn: (id: string) => unwrap(api.POST('/api/v1/imports/{id}/cancel', { params: { path: { id } } })),
    onSuccess: (s) => setStatus(s),
  });

  const total = status?.rowsTotal ?? 0;
  const percent = status
    ? ENDED.includes(status.status)
      ? 100
      : total
        ? Math.round((status.rowsRead / total) * 100)
        : 0
    : 0;
  const running = !!status && !ENDED.includes(status.status);
  return (
    <Stack>
      <Title order={2}>Import contacts</Title>
      <Group>
        <Button variant="light" onClick={() => fileInput.current?.click()}>
          Choose a CSV file
        </Button>
        <input
          ref={fileInput}
          type="file"
          accept=".csv,text/csv"
          aria-label="CSV file"
          className="visually-hidden"
          onChange={(e) => {
            void choose(e.currentTarget.files?.[0]);
            e.currentTarget.value = '';
          }}
        />
        {file && <Text size="sm">{file.name}</Text>}
      </Group>
      {headers.length > 0 && (
        <>
          <Table aria-label="Column mapping" w={560}>
            <Table.Thead>
              <Table.Tr>
                <Table.Th scope="col">CSV column</Table.Th>
                <Table.Th scope="col">Contact field</Table.Th>
              </Table.Tr>
            </Table.Thead>
            <Table.Tbody>
              {headers.map((h) => (
                <Table.Tr key={h}>
                  <Table.Th scope="row">{h}</Table.Th>
                  <Table.Td>
                    <FieldChoice
                      header={h}
                      value={columns[h] ?? ''}
                      onChange={(f) => setColumns((c) => ({ ...c, [h]: f }))}
                    />
                  </Table.Td>
                </Table.Tr>
              ))}
            </Table.Tbody>
          </Table>
          <NativeSelect
            label="A row matching an existing contact"
            value={onMatch}
            onChange={(e) => setOnMatch(e.currentTarget.value === 'update' ? 'update' : 'skip')}
            data={[
              { value: 'skip', label: 'is skipped' },
              { value: 'update', label: 'updates it' },
            ]}
            w={300}
          />
          <Group>
            <Button variant="light" onClick={() => run.mutate(true)} disabled={running || !Object.keys(mapped).length}>
              Dry run
            </Button>
            <Button onClick={() => run.mutate(false)} disabled={running || !Object.keys(mapped).length}>
              Import
            </Button>
            {running && status && (
              <Button variant="default" onClick={() => cancel.mutate(status.id)} loading={cancel.isPending}>
                Cancel
              </Button>
            )}
          </Group>
        </>
      )}
      {run.error && <ErrorNotice error={run.error} title="The import did not start" />}
      {cancel.error && <ErrorNotice error={cancel.error} title="Not cancelled" />}
      {status && (
        <section aria-label="Import progress">
          <Progress value={percent} aria-label="Rows read" striped={running} animated={running} />
          <Text size="sm" role="status" mt={4}>
            {status.dryRun ? 'Dry run' : 'Import'} {status.status}: {status.rowsRead} of {total || '?'} rows read
            {status.etaSeconds && running ? `, about ${Math.ceil(status.etaSeconds)} s left` : ''}.
          </Text>
          {!running && (
            <Table aria-label="Import result" variant="vertical" withTableBorder w={360} mt="xs">
              <Table.Tbody>
                {(
                  [
                    ['Valid rows', status.valid],
                    [status.dryRun ? 'Would be created' : 'Created', status.written],
                    [status.dryRun ? 'Would be updated' : 'Updated', status.updated],
                    ['Skipped', status.skipped],
                    ['Refused', status.failed],
                  ] as const
                ).map(([label, n]) => (
                  <Table.Tr key={label}>
                    <Table.Th scope="row">{label}</Table.Th>
                    <Table.Td>{n}</Table.Td>
                  </Table.Tr>
                ))}
              </Table.Tbody>
            </Table>
          )}
          {!running && status.failed > 0 && (
            <Alert color="orange" title={`${status.failed} rows refused`} mt="xs">
              <Button
                variant="light"
                size="xs"
                onClick={() => void download(`/api/v1/imports/${status.id}/errors`, `import-${status.id}-errors.csv`)}
              >
                Download the error report
              </Button>
            </Alert>
          )}
        </section>
      )}
    </Stack>
  );
}

function FieldChoice({ header, value, onChange }: { header: string; value: string; onChange: (f: string) => void }) {
  const custom = value.startsWith('cf.') || value.startsWith('consent.');
  return (
    <Group gap="xs" wrap="nowrap">
      <NativeSelect
        label={`Field for ${header}`}
        classNames={{ label: 'visually-hidden' }}
        value={custom ? 'custom' : value}
        onChange={(e) => onChange(e.currentTarget.value === 'custom' ? 'cf.' : e.currentTarget.value)}
        data={[
          { value: '', label: 'Leave out' },
          ...IMPORT_FIELDS.map((f) => ({ value: f, label: f })),
          { value: 'custom', label: 'Custom field or consent…' },
        ]}
      />
      {custom && (
        <TextInput
          label={`Custom field for ${header}`}
          classNames={{ label: 'visually-hidden' }}
          placeholder="cf.key or consent.email.marketing"
          value={value}
          onChange={(e) => onChange(e.currentTarget.value)}
          maxLength={53}
        />
      )}
    </Group>
  );
}
