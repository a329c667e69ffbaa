import { Alert, Badge, Button, Code, Group, Stack, Table, Text, TextInput, Title } from '@mantine/core';
import { useMutation, useQuery, useQueryClient } from '@tanstack/react-query';
import { useState, type FormEvent } from 'react';
import { api, unwrap } from '../../api/client';
import { ErrorNotice } from '../../components/ErrorNotice';
import { ApiError, fieldErrors } from '../../lib/problem';
import { useSession } from '../../session';
import { AdminNav } from './AdminNav';

const list = (text: string) =>
  text
    .split(/[\s,]+/)
    .map((s) => s.trim())
    .filter(Boolean);

/** The gateway's own settings: API keys (gateway:admin) and outbound webhook subscriptions (webhooks:admin). */
export function AdminPage() {
  const { can } = useSession();
  return (
    <Stack>
      <AdminNav />
      <Title order={2}>Admin</Title>
      {can('gateway:admin') && <ApiKeys />}
      {can('webhooks:admin') && <Webhooks />}
      {!can('gateway:admin') && !can('webhooks:admin') && (
        <Text role="status">No API keys or webhooks for your role: the other admin screens are in the menu above.</Text>
      )}
    </Stack>
  );
}

function ApiKeys() {
  const client = useQueryClient();
  const keys = useQuery({
    queryKey: ['api-keys'],
    queryFn: ({ signal }) => unwrap(api.GET('/api/v1/admin/api-keys', { params: { query: { limit: 200 } }, signal })),
  });
  const [name, setName] = useState('');
  const [scopes, setScopes] = useState('');
  const [expiresAt, setExpiresAt] = useState('');
  const create = useMutation({
    mutationFn: () =>
      unwrap(
        api.POST('/api/v1/admin/api-keys', {
          body: {
            name,
            scopes: list(scopes),
            ...(expiresAt ? { expiresAt: new Date(`${expiresAt}T00:00:00Z`).toISOString() } : {}),
          },
        }),
      ),
    onSuccess: () => {
      setName('');
      setScopes('');
      setExpiresAt('');
      void client.invalidateQueries({ queryKey: ['api-keys'] });
    },
  });
  const revoke = useMutation({
    mutationFn: (id: string) => unwrap(api.DELETE('/api/v1/admin/api-keys/{id}', { params: { path: { id } } })),
    onSuccess: () => void client.invalidateQueries({ queryKey: ['api-keys'] }),
  });
  const errors = fieldErrors(create.error instanceof ApiError ? create.error.problem : undefined, [
    'name',
    'scopes',
    'expiresAt',
  ]);
  const submit = (e: FormEvent) => {
    e.preventDefault();
    create.mutate();
  };
  return (
    <Stack gap="xs" component="section" aria-label="API keys">
      <Title order={3} size="h4">
        API keys
      </Title>
      <form onSubmit={submit} aria-label="New API key">
        <Group align="flex-start">
          <TextInput
            label="Name"
            value={name}
            onChange={(e) => setName(e.currentTarget.value)}
            maxLength={100}
            error={errors['name']}
          />
          <TextInput
            label="Scopes"
            description="Separated by spaces or commas, e.g. contacts:read sales:*"
            value={scopes}
            onChange={(e) => setScopes(e.currentTarget.value)}
            error={errors['scopes']}
            w={320}
          />
          <TextInput
            label="Expires on"
            type="date"
            value={expiresAt}
            onChange={(e) => setExpiresAt(e.currentTarget.value)}
            error={errors['expiresAt']}
          />
          <Button type="submit" mt={24} loading={create.isPending}>
            Create key
          </Button>
        </Group>
      </form>
      {create.error && (errors['_form'] || !Object.keys(errors).length) && (
        <ErrorNotice error={create.error} title="No key created" />
      )}
      {create.data && (
        <Alert color="green" title={`Key “${create.data.name}” created`} role="status">
          <Text size="sm">Copy it now: it is not shown again.</Text>
          <Code block aria-label="The new key">
            {create.data.key}
          </Code>
        </Alert>
      )}
      {keys.error && <ErrorNotice error={keys.error} onRetry={() => void keys.refetch()} />}
      {keys.data && (
        <Table striped aria-label="API keys">
          <Table.Thead>
            <Table.Tr>
              <Table.Th scope="col">Name</Table.Th>
              <Table.Th scope="col">Starts with</Table.Th>
              <Table.Th scope="col">Scopes</Table.Th>
              <Table.Th scope="col">Last used</Table.Th>
              <Table.Th scope="col">State</Table.Th>
              <Table.Th scope="col">Revoke</Table.Th>
            </Table.Tr>
          </Table.Thead>
          <Table.Tbody>
            {keys.data.items.map((k) => (
              <Table.Tr key={k.id}>
                <Table.Th scope="row">{k.name}</Table.Th>
                <Table.Td>
                  <Code>{k.prefix}</Code>
                </Table.Td>
                <Table.Td>{k.scopes.join(' ')}</Table.Td>
                <Table.Td>{k.lastUsedAt ? new Date(k.lastUsedAt).toLocaleString() : 'never'}</Table.Td>
                <Table.Td>
                  {k.revokedAt
                    ? 'revoked'
                    : k.expiresAt && new Date(k.expiresAt) < new Date()
                      ? 'expired'
                      : k.expiresAt
                        ? `until ${new Date(k.expiresAt).toLocaleDateString()}`
                        : 'active'}
                </Table.Td>
                <Table.Td>
                  {!k.revokedAt && (
                    <Button
                      size="xs"
                      color="red"
                      variant="light"
                      aria-label={`Revoke ${k.name}`}
                      onClick={() => revoke.mutate(k.id)}
                      loading={revoke.isPending && revoke.variables === k.id}
                    >
                      Revoke
                    </Button>
                  )}
                </Table.Td>
              </Table.Tr>
            ))}
          </Table.Tbody>
        </Table>
      )}
      {revoke.error && <ErrorNotice error={revoke.error} title="Not revoked" />}
    </Stack>
  );
}

function Webhooks() {
  const client = useQueryClient();
  const hooks = useQuery({
    queryKey: ['webhooks'],
    queryFn: ({ signal }) => unwrap(api.GET('/api/v1/webhooks', { params: { query: { limit: 200 } }, signal })),
  });
  const [url, setUrl] = useState('');
  const [events, setEvents] = useState('');
  const [description, setDescription] = useState('');
  const create = useMutation({
    mutationFn: () =>
      unwrap(
        api.POST('/api/v1/webhooks', {
          body: { url, events: list(events), active: true, ...(description ? { description } : {}) },
        }),
      ),
    onSuccess: () => {
      setUrl('');
      setEvents('');
      setDescription('');
      void client.invalidateQueries({ queryKey: ['webhooks'] });
    },
  });
  const errors = fieldErrors(create.error instanceof ApiError ? create.error.problem : undefined, [
    'url',
    'events',
    'description',
  ]);
  const submit = (e: FormEvent) => {
    e.preventDefault();
    create.mutate();
  };
  return (
    <Stack gap="xs" component="section" aria-label="Webhooks">
      <Title order={3} size="h4">
        Webhook subscriptions
      </Title>
      <form onSubmit={submit} aria-label="New webhook">
        <Group align="flex-start">
          <TextInput
            label="Address (https)"
            value={url}
            onChange={(e) => setUrl(e.currentTarget.value)}
            maxLength={2000}
            error={errors['url']}
            w={320}
          />
          <TextInput
            label="Events"
            description="Patterns, e.g. crm.sales.order.* crm.contacts.>"
            value={events}
            onChange={(e) => setEvents(e.currentTarget.value)}
            error={errors['events']}
            w={280}
          />
          <TextInput
            label="Description"
            value={description}
            onChange={(e) => setDescription(e.currentTarget.value)}
            maxLength={500}
          />
          <Button type="submit" mt={24} loading={create.isPending}>
            Subscribe
          </Button>
        </Group>
      </form>
      {create.error && (errors['_form'] || !Object.keys(errors).length) && (
        <ErrorNotice error={create.error} title="Not subscribed" />
      )}
      {create.data && (
        <Alert color="green" title="Subscribed" role="status">
          <Text size="sm">The signing secret, shown this once:</Text>
          <Code block aria-label="The signing secret">
            {create.data.secret}
          </Code>
        </Alert>
      )}
      {hooks.error && <ErrorNotice error={hooks.error} onRetry={() => void hooks.refetch()} />}
      {hooks.data && !hooks.data.items.length && <Text size="sm">No subscriptions yet.</Text>}
      {hooks.data && hooks.data.items.length > 0 && (
        <Table striped aria-label="Webhook subscriptions">
          <Table.Thead>
            <Table.Tr>
              <Table.Th scope="col">Address</Table.Th>
              <Table.Th scope="col">Events</Table.Th>
              <Table.Th scope="col">State</Table.Th>
              <Table.Th scope="col">Last delivered</Table.Th>
            </Table.Tr>
          </Table.Thead>
          <Table.Tbody>
            {hooks.data.items.map((h) => (
              <Table.Tr key={h.id}>
                <Table.Th scope="row">{h.url}</Table.Th>
                <Table.Td>{h.events.join(' ')}</Table.Td>
                <Table.Td>
                  <Badge variant="outline" color={h.status === 'disabled' ? 'red.9' : 'dark'}>
                    {h.status}
                  </Badge>
                  {h.statusReason && <Text size="xs">{h.statusReason}</Text>}
                </Table.Td>
                <Table.Td>{h.lastSuccessAt ? new Date(h.lastSuccessAt).toLocaleString() : 'never'}</Table.Td>
              </Table.Tr>
            ))}
          </Table.Tbody>
        </Table>
      )}
    </Stack>
  );
}
