import { Badge, Button, Group, Loader, Paper, SegmentedControl, Stack, Text, Textarea, Title } from '@mantine/core';
import { useMutation, useQuery, useQueryClient } from '@tanstack/react-query';
import { useEffect, useState, type FormEvent } from 'react';
import { api, unwrap } from '../../api/client';
import { ErrorNotice } from '../../components/ErrorNotice';
import { ApiError, fieldErrors } from '../../lib/problem';
import { useSession } from '../../session';
import { CustomerAssets } from './CustomerAssets';
import { clockWords, type SlaClock } from './support-types';

/** SLA clocks counted down each second from what the server said. */
function useCountdown(clocks: SlaClock[] | undefined, fetchedAt: number): SlaClock[] {
  const [now, setNow] = useState(Date.now());
  useEffect(() => {
    const t = setInterval(() => setNow(Date.now()), 1000);
    return () => clearInterval(t);
  }, []);
  const elapsed = Math.floor((now - fetchedAt) / 1000);
  return (clocks ?? []).map((c) =>
    c.state === 'running' ? { ...c, remainingSeconds: c.remainingSeconds - elapsed } : c,
  );
}

export function TicketPage({ id }: { id: string }) {
  const { can } = useSession();
  const client = useQueryClient();
  const ticket = useQuery({
    queryKey: ['ticket', id],
    queryFn: ({ signal }) => unwrap(api.GET('/api/v1/tickets/{id}', { params: { path: { id } }, signal })),
  });
  const messages = useQuery({
    queryKey: ['ticket', id, 'messages'],
    queryFn: ({ signal }) =>
      unwrap(api.GET('/api/v1/tickets/{id}/messages', { params: { path: { id }, query: { limit: 100 } }, signal })),
  });
  const clocks = useCountdown(ticket.data?.sla, ticket.dataUpdatedAt);
  const [kind, setKind] = useState<'public' | 'internal'>('public');
  const [body, setBody] = useState('');
  const send = useMutation({
    mutationFn: () =>
      unwrap(
        api.POST('/api/v1/tickets/{id}/messages', {
          params: { path: { id } },
          body: { body, internal: kind === 'internal', authorType: 'agent' },
        }),
      ),
    onSuccess: () => {
      setBody('');
      void client.invalidateQueries({ queryKey: ['ticket', id] });
    },
  });
  const problem = send.error instanceof ApiError ? send.error.problem : undefined;
  const errors = fieldErrors(problem, ['body']);
  const submit = (e: FormEvent) => {
    e.preventDefault();
    send.mutate();
  };
  if (ticket.error) return <ErrorNotice error={ticket.error} onRetry={() => void ticket.refetch()} />;
  if (!ticket.data) return <Loader aria-label="Loading the ticket" />;
  const t = ticket.data;
  return (
    <Stack>
      <Title order={2}>
        #{t.number} {t.subject}
      </Title>
      <Group gap="xs">
        <Badge variant="outline" color="dark">
          {t.status}
        </Badge>
        <Badge variant="outline" color="dark">
          {t.priority}
        </Badge>
        <Text size="sm">From {t.requester.name ?? t.requester.email ?? 'unknown'}</Text>
      </Group>
      {clocks.length > 0 && (
        <section aria-label="SLA clocks">
          <Group gap="xs">
            {clocks.map((c) => (
              <Badge key={c.target} variant="outline" color={c.remainingSeconds < 0 ? 'red.9' : 'dark'}>
                {c.target}: {clockWords(c)}
              </Badge>
            ))}
          </Group>
        </section>
      )}
      <Text>{t.description}</Text>
      <CustomerAssets ticket={t} />
      <Title order={3} size="h4">
        Conversation
      </Title>
      {messages.error && <ErrorNotice error={messages.error} onRetry={() => void messages.refetch()} />}
      <Stack component="ol" className="board-cards" aria-label="Messages" gap="xs">
        {(messages.data?.items ?? []).map((m) => (
          <Paper
            key={m.id}
            component="li"
            withBorder
            p="xs"
            className={m.visibility === 'internal' ? 'internal-note' : undefined}
            aria-label={`${m.visibility === 'internal' ? 'Internal note' : 'Public reply'} by ${m.authorName ?? m.authorType}`}
          >
            <Text size="xs" c="gray.7">
              {m.visibility === 'internal' ? 'Internal note' : 'Public reply'} · {m.authorName ?? m.authorType} ·{' '}
              {new Date(m.createdAt).toLocaleString()}
            </Text>
            <Text size="sm">{m.body}</Text>
          </Paper>
        ))}
      </Stack>
      {can('support:write') && (
        <form onSubmit={submit} aria-label="Reply">
          <Stack gap="xs">
            <SegmentedControl
              aria-label="Message kind"
              value={kind}
              onChange={(v) => setKind(v as 'public' | 'internal')}
              data={[
                { value: 'public', label: 'Public reply' },
                { value: 'internal', label: 'Internal note' },
              ]}
            />
            <Textarea
              label={kind === 'internal' ? 'Note (agents only)' : 'Reply to the customer'}
              value={body}
              onChange={(e) => setBody(e.currentTarget.value)}
              error={errors['body']}
              autosize
              minRows={3}
              maxLength={50000}
            />
            {send.error && !errors['body'] && <ErrorNotice error={send.error} title="Not sent" />}
            <Group>
              <Button type="submit" loading={send.isPending}>
                {kind === 'internal' ? 'Add note' : 'Send reply'}
              </Button>
            </Group>
          </Stack>
        </form>
      )}
    </Stack>
  );
}
