import { Alert, Badge, Button, Group, Loader, NativeSelect, Paper, Stack, Text, Title } from '@mantine/core';
import { useMutation, useQuery, useQueryClient } from '@tanstack/react-query';
import { useRef, useState, type DragEvent } from 'react';
import { api, unwrap, type Schemas } from '../../api/client';
import { ErrorNotice } from '../../components/ErrorNotice';
import { money, moveChoice, withPendingMoves } from '../../lib/board';
import { ApiError, describeError } from '../../lib/problem';
import { Link, navigate, useLocation } from '../../lib/router';
import { useSession } from '../../session';
import { SalesNav } from './SalesNav';

type Card = Schemas['BoardCardDto'];

/** Deals by stage for one pipeline; drag a card to a column, or use its "Move to" control. */
export function SalesBoard() {
  const { can } = useSession();
  const client = useQueryClient();
  const { search } = useLocation();
  const chosen = new URLSearchParams(search).get('pipeline') ?? '';
  const pipelines = useQuery({
    queryKey: ['pipelines'],
    queryFn: ({ signal }) => unwrap(api.GET('/api/v1/pipelines', { params: { query: { limit: 100 } }, signal })),
  });
  const pipelineId = chosen || pipelines.data?.items[0]?.id || '';
  const board = useQuery({
    queryKey: ['board', pipelineId],
    enabled: !!pipelineId,
    queryFn: ({ signal }) =>
      unwrap(api.GET('/api/v1/pipelines/{id}/board', { params: { path: { id: pipelineId } }, signal })),
  });
  const [refusal, setRefusal] = useState<{ deal: string; stage: string; message: string; details: string[] } | null>(
    null,
  );
  const [moved, setMoved] = useState('');
  // Moves in flight, applied over whatever the server last said, and each card's "Move to" choice:
  // both outlive a refresh that lands late (a card re-mounted in another column keeps its choice).
  const [pending, setPending] = useState<Record<string, string>>({});
  const [choices, setChoices] = useState<Record<string, string>>({});
  const settle = (dealId: string, stageId: string) =>
    setPending((p) => {
      if (p[dealId] !== stageId) return p;
      const rest = { ...p };
      delete rest[dealId];
      return rest;
    });
  // The version each move answered: a card moved again before the refresh must not send the old one.
  const versions = useRef<Record<string, number>>({});
  const move = useMutation({
    mutationFn: (v: { card: Card; stageId: string }) =>
      unwrap(
        api.POST('/api/v1/deals/{id}/stage', {
          params: {
            path: { id: v.card.id },
            header: { 'If-Match': `"${Math.max(v.card.version, versions.current[v.card.id] ?? 0)}"` },
          },
          body: { stageId: v.stageId },
        }),
      ),
    onMutate: async (v) => {
      setRefusal(null);
      setMoved('');
      setPending((p) => ({ ...p, [v.card.id]: v.stageId }));
      // A refresh asked before this move answers with the card where it was: drop it.
      await client.cancelQueries({ queryKey: ['board', pipelineId] });
    },
    onError: (error, v) => {
      settle(v.card.id, v.stageId);
      const stage = board.data?.columns.find((c) => c.stage.id === v.stageId)?.stage.name ?? 'that stage';
      const details =
        error instanceof ApiError ? (error.problem.errors ?? []).map((e) => `${e.field}: ${e.message}`) : [];
      setRefusal({ deal: v.card.name, stage, message: describeError(error), details });
    },
    onSuccess: (deal, v) => {
      versions.current[v.card.id] = deal.version;
      const stage = board.data?.columns.find((c) => c.stage.id === v.stageId)?.stage.name ?? '';
      setMoved(`${v.card.name} moved to ${stage}.`);
    },
    onSettled: async (_d, _e, v) => {
      // The card stays where it was moved until the refresh after the move has landed.
      await client.invalidateQueries({ queryKey: ['board', pipelineId] });
      settle(v.card.id, v.stageId);
    },
  });
  const columns = board.data ? withPendingMoves(board.data.columns, pending) : [];
  const writable = can('sales:write');
  const cardOf = (id: string) => columns.flatMap((c) => c.deals).find((d) => d.id === id);
  const drop = (e: DragEvent<HTMLElement>, stageId: string) => {
    e.preventDefault();
    const card = cardOf(e.dataTransfer.getData('application/x-crm-deal'));
    const from = columns.find((c) => c.deals.some((d) => d.id === card?.id));
    if (card && from?.stage.id !== stageId) move.mutate({ card, stageId });
  };
  return (
    <Stack>
      <SalesNav />
      <Group justify="space-between">
        <Title order={2}>Pipeline board</Title>
        <NativeSelect
          label="Pipeline"
          value={pipelineId}
          onChange={(e) => navigate(`/sales?pipeline=${encodeURIComponent(e.currentTarget.value)}`, true)}
          data={(pipelines.data?.items ?? []).map((p) => ({ value: p.id, label: p.name }))}
        />
      </Group>
      {pipelines.error && <ErrorNotice error={pipelines.error} onRetry={() => void pipelines.refetch()} />}
      {board.error && <ErrorNotice error={board.error} onRetry={() => void board.refetch()} />}
      {refusal && (
        <Alert color="red" role="alert" title={`${refusal.deal} was not moved to ${refusal.stage}`}>
          <Text size="sm">{refusal.message}</Text>
          {refusal.details.map((d) => (
            <Text size="sm" key={d}>
              {d}
            </Text>
          ))}
        </Alert>
      )}
      <Text role="status" size="sm">
        {moved}
      </Text>
      {(pipelines.isPending || board.isPending) && pipelineId !== '' && <Loader aria-label="Loading the board" />}
      {!pipelines.isPending && !pipelineId && <Text role="status">No pipelines yet.</Text>}
      {board.data && (
        <div className="board" role="list" aria-label={`Stages of ${board.data.name}`}>
          {columns.map((col) => (
            <section
              key={col.stage.id}
              className="board-column"
              role="listitem"
              aria-labelledby={`stage-${col.stage.id}`}
              data-stage={col.stage.name}
              onDragOver={writable ? (e) => e.preventDefault() : undefined}
              onDrop={writable ? (e) => drop(e, col.stage.id) : undefined}
            >
              <Group justify="space-between" mb="xs">
                <Title order={3} size="h5" id={`stage-${col.stage.id}`}>
                  {col.stage.name}
                </Title>
                <Badge variant="light" color="gray.8" aria-label={`${col.count} deals`}>
                  {col.count}
                </Badge>
              </Group>
              {col.totals.map((t) => (
                <Text key={t.currency} size="xs" c="gray.7">
                  {money(t.amountMinor, t.currency)} · weighted {money(t.weightedMinor, t.currency)}
                </Text>
              ))}
              <Stack gap="xs" mt="xs" component="ul" className="board-cards" aria-label={`Deals in ${col.stage.name}`}>
                {col.deals.map((d) => (
                  <Paper
                    key={d.id}
                    component="li"
                    withBorder
                    p="xs"
                    draggable={writable}
                    aria-label={d.name}
                    onDragStart={(e: DragEvent<HTMLElement>) => {
                      e.dataTransfer.setData('application/x-crm-deal', d.id);
                      e.dataTransfer.effectAllowed = 'move';
                    }}
                  >
                    <Text fw={600} size="sm">
                      <Link to={`/sales/deals/${d.id}`} draggable={false}>
                        {d.name}
                      </Link>
                    </Text>
                    <Text size="xs">{money(d.amountMinor, d.currency)}</Text>
                    {d.contactName && <Text size="xs">{d.contactName}</Text>}
                    {writable && (
                      <MoveTo
                        card={d}
                        stages={columns.map((c) => c.stage)}
                        current={col.stage.id}
                        chosen={moveChoice(
                          choices[d.id],
                          col.stage.id,
                          columns.map((c) => c.stage),
                        )}
                        onChoose={(stageId) => setChoices((c) => ({ ...c, [d.id]: stageId }))}
                        onMove={(stageId) => move.mutate({ card: d, stageId })}
                      />
                    )}
                  </Paper>
                ))}
              </Stack>
            </section>
          ))}
        </div>
      )}
    </Stack>
  );
}

function MoveTo({
  card,
  stages,
  current,
  chosen,
  onChoose,
  onMove,
}: {
  card: Card;
  stages: { id: string; name: string }[];
  current: string;
  chosen: string;
  onChoose: (stageId: string) => void;
  onMove: (stageId: string) => void;
}) {
  const others = stages.filter((s) => s.id !== current);
  return (
    <Group gap={4} mt={4} wrap="nowrap" align="flex-end">
      <NativeSelect
        size="xs"
        label={`Move ${card.name} to`}
        classNames={{ label: 'visually-hidden' }}
        value={chosen}
        onChange={(e) => onChoose(e.currentTarget.value)}
        data={others.map((s) => ({ value: s.id, label: s.name }))}
      />
      <Button size="xs" variant="light" onClick={() => chosen && onMove(chosen)} aria-label={`Move ${card.name}`}>
        Move
      </Button>
    </Group>
  );
}
