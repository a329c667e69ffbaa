import { Button, Group, Loader, NativeSelect, Stack, Table, Text, TextInput, Title } from '@mantine/core';
import { useMutation, useQuery, useQueryClient } from '@tanstack/react-query';
import { useState, type FormEvent } from 'react';
import { api, unwrap, type Schemas } from '../../api/client';
import { ErrorNotice } from '../../components/ErrorNotice';
import { ApiError, fieldErrors } from '../../lib/problem';
import { Link } from '../../lib/router';
import { useSession } from '../../session';
import { MarketingNav } from './MarketingNav';
import { TemplatePreview } from './TemplatePreview';
import { reasonWords, type Campaign } from './marketing-types';

type Channel = Schemas['CreateCampaignDto']['channel'];

/** Campaigns: the list with their numbers, a new one (audience segment, template, schedule), one campaign's results. */
export function CampaignsPage({ id }: { id?: string }) {
  const { can } = useSession();
  const campaigns = useQuery({
    queryKey: ['campaigns'],
    refetchInterval: 5000,
    queryFn: ({ signal }) => unwrap(api.GET('/api/v1/campaigns', { params: { query: { limit: 100 } }, signal })),
  });
  const chosen = campaigns.data?.items.find((c) => c.id === id);
  return (
    <Stack>
      <MarketingNav />
      <Title order={2}>Campaigns</Title>
      {campaigns.error && <ErrorNotice error={campaigns.error} onRetry={() => void campaigns.refetch()} />}
      {campaigns.isPending && <Loader aria-label="Loading campaigns" />}
      {campaigns.data && !campaigns.data.items.length && <Text role="status">No campaigns yet.</Text>}
      {campaigns.data && campaigns.data.items.length > 0 && (
        <Table striped aria-label="Campaigns">
          <Table.Thead>
            <Table.Tr>
              <Table.Th scope="col">Name</Table.Th>
              <Table.Th scope="col">Channel</Table.Th>
              <Table.Th scope="col">Status</Table.Th>
              <Table.Th scope="col">Starts</Table.Th>
              <Table.Th scope="col">Sent</Table.Th>
              <Table.Th scope="col">Skipped</Table.Th>
              <Table.Th scope="col">Failed</Table.Th>
            </Table.Tr>
          </Table.Thead>
          <Table.Tbody>
            {campaigns.data.items.map((c) => (
              <Table.Tr key={c.id}>
                <Table.Th scope="row">
                  <Link to={`/marketing/campaigns/${c.id}`}>{c.name}</Link>
                </Table.Th>
                <Table.Td>{c.channel}</Table.Td>
                <Table.Td>{c.status}</Table.Td>
                <Table.Td>{c.sendAt ? new Date(c.sendAt).toLocaleString() : 'not scheduled'}</Table.Td>
                <Table.Td>{c.counts.sent}</Table.Td>
                <Table.Td>{c.counts.skipped}</Table.Td>
                <Table.Td>{c.counts.failed}</Table.Td>
              </Table.Tr>
            ))}
          </Table.Tbody>
        </Table>
      )}
      {chosen && <CampaignResults campaign={chosen} />}
      {can('marketing:write') && <NewCampaign />}
    </Stack>
  );
}

function CampaignResults({ campaign: c }: { campaign: Campaign }) {
  const report = useQuery({
    queryKey: ['campaign-report', c.id],
    refetchInterval: 5000,
    queryFn: ({ signal }) =>
      unwrap(api.GET('/api/v1/campaigns/{id}/report', { params: { path: { id: c.id } }, signal })),
  });
  const t = report.data?.touchpoints ?? {};
  const skipped = Object.entries(c.counts.skippedBy);
  return (
    <section aria-label={`Results of ${c.name}`}>
      <Title order={3} size="h4">
        Results of {c.name}
      </Title>
      {report.error && <ErrorNotice error={report.error} onRetry={() => void report.refetch()} />}
      <Table aria-label="Campaign results" variant="vertical" withTableBorder w={360}>
        <Table.Tbody>
          {(
            [
              ['Queued', c.counts.queued],
              ['Sent', c.counts.sent],
              ['Opened', t['opened'] ?? 0],
              ['Clicked', t['clicked'] ?? 0],
              ['Converted', t['converted'] ?? 0],
              ['Skipped', c.counts.skipped],
              ['Failed', c.counts.failed],
            ] as const
          ).map(([label, n]) => (
            <Table.Tr key={label}>
              <Table.Th scope="row">{label}</Table.Th>
              <Table.Td>{n}</Table.Td>
            </Table.Tr>
          ))}
        </Table.Tbody>
      </Table>
      {skipped.length > 0 && (
        <Table aria-label="Skipped, by reason" w={360} mt="xs">
          <Table.Thead>
            <Table.Tr>
              <Table.Th scope="col">Reason</Table.Th>
              <Table.Th scope="col">Messages</Table.Th>
            </Table.Tr>
          </Table.Thead>
          <Table.Tbody>
            {skipped.map(([reason, n]) => (
              <Table.Tr key={reason}>
                <Table.Th scope="row">{reasonWords(reason)}</Table.Th>
                <Table.Td>{n}</Table.Td>
              </Table.Tr>
            ))}
          </Table.Tbody>
        </Table>
      )}
    </section>
  );
}

function NewCampaign() {
  const client = useQueryClient();
  const [name, setName] = useState('');
  const [channel, setChannel] = useState<Channel>('email');
  const [templateId, setTemplateId] = useState('');
  const [segmentId, setSegmentId] = useState('');
  const [sendAt, setSendAt] = useState('');
  const [cost, setCost] = useState('');
  const templates = useQuery({
    queryKey: ['templates'],
    queryFn: ({ signal }) => unwrap(api.GET('/api/v1/templates', { params: { query: { limit: 200 } }, signal })),
  });
  const segments = useQuery({
    queryKey: ['segments'],
    queryFn: ({ signal }) => unwrap(api.GET('/api/v1/segments', { params: { query: { limit: 200 } }, signal })),
  });
  const usable = (templates.data?.items ?? []).filter((t) => t.channel === channel);
  const create = useMutation({
    mutationFn: async () => {
      const made = await unwrap(
        api.POST('/api/v1/campaigns', {
          body: {
            name,
            channel,
            templateId,
            ...(segmentId ? { segmentIds: [segmentId] } : {}),
            // What it costs, for its ROI in analytics (the reporting currency).
            ...(cost.trim() ? { costMinor: Math.round(Number(cost) * 100), currency: 'EUR' } : {}),
          },
        }),
      );
      // "Schedule" starts it at the chosen time, or now.
      await unwrap(
        api.POST('/api/v1/campaigns/{id}/schedule', {
          params: { path: { id: made.id } },
          body: sendAt ? { sendAt: new Date(sendAt).toISOString() } : {},
        }),
      );
      return made;
    },
    onSuccess: () => {
      setName('');
      setCost('');
      void client.invalidateQueries({ queryKey: ['campaigns'] });
    },
  });
  const errors = fieldErrors(create.error instanceof ApiError ? create.error.problem : undefined, [
    'name',
    'templateId',
    'segmentIds',
    'sendAt',
    'costMinor',
  ]);
  const submit = (e: FormEvent) => {
    e.preventDefault();
    create.mutate();
  };
  return (
    <form onSubmit={submit} aria-label="New campaign">
      <Title order={3} size="h4">
        New campaign
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
          label="Channel"
          value={channel}
          onChange={(e) => {
            const v = e.currentTarget.value;
            setChannel(v === 'sms' || v === 'social' ? v : 'email');
            setTemplateId('');
          }}
          data={['email', 'sms', 'social']}
        />
        <NativeSelect
          label="Template"
          value={templateId}
          onChange={(e) => setTemplateId(e.currentTarget.value)}
          data={[{ value: '', label: 'Choose a template…' }, ...usable.map((t) => ({ value: t.id, label: t.name }))]}
          error={errors['templateId']}
        />
        <NativeSelect
          label="Audience segment"
          value={segmentId}
          onChange={(e) => setSegmentId(e.currentTarget.value)}
          data={[
            { value: '', label: 'Choose a segment…' },
            ...(segments.data?.items ?? []).map((s) => ({ value: s.id, label: s.name })),
          ]}
          error={errors['segmentIds']}
        />
        <TextInput
          label="Cost in EUR (for its ROI)"
          type="number"
          min={0}
          step="0.01"
          value={cost}
          onChange={(e) => setCost(e.currentTarget.value)}
          w={180}
          error={errors['costMinor']}
        />
        <TextInput
          label="Send at (empty: now)"
          type="datetime-local"
          value={sendAt}
          onChange={(e) => setSendAt(e.currentTarget.value)}
          error={errors['sendAt']}
        />
        <Button type="submit" mt={24} loading={create.isPending} disabled={!name.trim() || !templateId}>
          Schedule
        </Button>
      </Group>
      {create.error && (errors['_form'] || !Object.keys(errors).length) && (
        <ErrorNotice error={create.error} title="The campaign was not scheduled" />
      )}
      {create.isSuccess && <Text role="status">Scheduled.</Text>}
      {templateId && <TemplatePreview templateId={templateId} />}
    </form>
  );
}
