import { Badge, Button, Group, Loader, NativeSelect, Stack, Table, Text, TextInput, Title } from '@mantine/core';
import { useMutation, useQuery, useQueryClient } from '@tanstack/react-query';
import { useState, type FormEvent } from 'react';
import { api, unwrap, type Schemas } from '../../api/client';
import { ErrorNotice } from '../../components/ErrorNotice';
import { ApiError, fieldErrors } from '../../lib/problem';
import { navigate, useLocation } from '../../lib/router';
import { useSession } from '../../session';
import { AdminNav } from './AdminNav';

type Pipeline = Schemas['PipelineViewDto'];
type Stage = Schemas['StageViewDto'];
type Kind = Stage['kind'];
const KINDS: { value: Kind; label: string }[] = [
  { value: 'open', label: 'Open' },
  { value: 'won', label: 'Won' },
  { value: 'lost', label: 'Lost' },
];
const ifMatch = (p: Pipeline) => ({ 'If-Match': `"${p.version}"` });
const problemOf = (e: unknown) => (e instanceof ApiError ? e.problem : undefined);

/** Sales' pipelines and their stages (sales:read); new pipelines, stages added, renamed, re-weighted and reordered (sales:admin). */
export function Pipelines() {
  const { can } = useSession();
  const admin = can('sales:admin');
  const { search } = useLocation();
  const chosen = new URLSearchParams(search).get('pipeline') ?? '';
  const pipelines = useQuery({
    queryKey: ['pipelines', 'admin'],
    queryFn: ({ signal }) => unwrap(api.GET('/api/v1/pipelines', { params: { query: { limit: 200 } }, signal })),
  });
  const items = pipelines.data?.items ?? [];
  const pipeline = items.find((p) => p.id === chosen) ?? items[0];
  return (
    <Stack>
      <AdminNav />
      <Title order={2}>Pipelines and stages</Title>
      {admin && <NewPipeline />}
      {pipelines.error && <ErrorNotice error={pipelines.error} onRetry={() => void pipelines.refetch()} />}
      {pipelines.isPending && <Loader aria-label="Loading the pipelines" />}
      {pipelines.data && !items.length && <Text role="status">No pipelines yet.</Text>}
      {pipeline && (
        <>
          <NativeSelect
            label="Pipeline"
            value={pipeline.id}
            onChange={(e) => navigate(`/admin/pipelines?pipeline=${encodeURIComponent(e.currentTarget.value)}`, true)}
            data={items.map((p) => ({ value: p.id, label: p.name }))}
            w={320}
          />
          <PipelineStages key={pipeline.id} pipeline={pipeline} admin={admin} />
        </>
      )}
    </Stack>
  );
}

function NewPipeline() {
  const client = useQueryClient();
  const [name, setName] = useState('');
  const create = useMutation({
    mutationFn: () => unwrap(api.POST('/api/v1/pipelines', { body: { name: name.trim() } })),
    onSuccess: (p) => {
      setName('');
      void client.invalidateQueries({ queryKey: ['pipelines'] });
      navigate(`/admin/pipelines?pipeline=${p.id}`, true);
    },
  });
  const problem = problemOf(create.error);
  const errors = fieldErrors(problem, ['name']);
  if (problem?.code === 'PIPELINE_NAME_TAKEN') errors['name'] = problem.detail ?? 'is taken';
  const submit = (e: FormEvent) => {
    e.preventDefault();
    create.mutate();
  };
  return (
    <form onSubmit={submit} aria-label="New pipeline">
      <Group align="flex-start">
        <TextInput
          label="New pipeline"
          description="Starts with Qualification, Proposal, Negotiation, Won and Lost"
          value={name}
          onChange={(e) => setName(e.currentTarget.value)}
          maxLength={100}
          required
          error={errors['name']}
          w={320}
        />
        <Button type="submit" mt={44} loading={create.isPending}>
          Create pipeline
        </Button>
      </Group>
      {create.error && (errors['_form'] || !Object.keys(errors).length) && (
        <ErrorNotice error={create.error} title="No pipeline created" />
      )}
    </form>
  );
}

function PipelineStages({ pipeline, admin }: { pipeline: Pipeline; admin: boolean }) {
  const client = useQueryClient();
  const refresh = () => void client.invalidateQueries({ queryKey: ['pipelines'] });
  const reorder = useMutation({
    mutationFn: ({ from, to }: { from: number; to: number }) => {
      const ids = pipeline.stages.map((s) => s.id);
      const [moved] = ids.splice(from, 1);
      ids.splice(to, 0, moved);
      return unwrap(
        api.PUT('/api/v1/pipelines/{id}/stage-order', {
          params: { path: { id: pipeline.id }, header: ifMatch(pipeline) },
          body: { stageIds: ids },
        }),
      );
    },
    onSettled: refresh,
  });
  const last = pipeline.stages.length - 1;
  return (
    <Stack gap="xs">
      <Table striped aria-label={`Stages of ${pipeline.name}`}>
        <Table.Thead>
          <Table.Tr>
            <Table.Th scope="col">Stage</Table.Th>
            <Table.Th scope="col">Kind</Table.Th>
            <Table.Th scope="col">Win probability</Table.Th>
            {admin && <Table.Th scope="col">Change</Table.Th>}
          </Table.Tr>
        </Table.Thead>
        <Table.Tbody>
          {pipeline.stages.map((s, i) =>
            admin ? (
              <EditableStage
                key={`${s.id}:${s.name}:${s.probability}`}
                pipeline={pipeline}
                stage={s}
                onSaved={refresh}
                up={i > 0 ? () => reorder.mutate({ from: i, to: i - 1 }) : undefined}
                down={i < last ? () => reorder.mutate({ from: i, to: i + 1 }) : undefined}
                moving={reorder.isPending}
              />
            ) : (
              <Table.Tr key={s.id}>
                <Table.Th scope="row">{s.name}</Table.Th>
                <Table.Td>{s.kind}</Table.Td>
                <Table.Td>{s.probability} %</Table.Td>
              </Table.Tr>
            ),
          )}
        </Table.Tbody>
      </Table>
      {reorder.error && <ErrorNotice error={reorder.error} title="Stages not reordered" />}
      {pipeline.retiredStages.length > 0 && (
        <Text size="sm">
          Retired stages (old deals still name them): {pipeline.retiredStages.map((s) => s.name).join(', ')}
        </Text>
      )}
      {admin && <AddStage pipeline={pipeline} onAdded={refresh} />}
    </Stack>
  );
}

function EditableStage({
  pipeline,
  stage,
  onSaved,
  up,
  down,
  moving,
}: {
  pipeline: Pipeline;
  stage: Stage;
  onSaved: () => void;
  up?: () => void;
  down?: () => void;
  moving: boolean;
}) {
  const [name, setName] = useState(stage.name);
  const [probability, setProbability] = useState(String(stage.probability));
  const save = useMutation({
    mutationFn: () =>
      unwrap(
        api.PATCH('/api/v1/pipelines/{id}/stages/{stageId}', {
          params: { path: { id: pipeline.id, stageId: stage.id }, header: ifMatch(pipeline) },
          body: { name: name.trim(), ...(stage.kind === 'open' ? { probability: Number(probability) } : {}) },
        }),
      ),
    onSuccess: onSaved,
  });
  const errors = fieldErrors(problemOf(save.error), ['name', 'probability']);
  const changed = name !== stage.name || probability !== String(stage.probability);
  const submit = (e: FormEvent) => {
    e.preventDefault();
    save.mutate();
  };
  const formId = `stage-${stage.id}`;
  return (
    <Table.Tr>
      <Table.Th scope="row">
        <form id={formId} onSubmit={submit} aria-label={`Stage ${stage.name}`} />
        <TextInput
          aria-label={`Name of ${stage.name}`}
          form={formId}
          value={name}
          onChange={(e) => setName(e.currentTarget.value)}
          maxLength={100}
          error={errors['name']}
        />
      </Table.Th>
      <Table.Td>
        <Badge variant="outline" color="dark">
          {stage.kind}
        </Badge>
      </Table.Td>
      <Table.Td>
        <TextInput
          aria-label={`Win probability of ${stage.name} (percent)`}
          form={formId}
          type="number"
          min={0}
          max={100}
          value={probability}
          disabled={stage.kind !== 'open'}
          onChange={(e) => setProbability(e.currentTarget.value)}
          error={errors['probability']}
          w={110}
        />
      </Table.Td>
      <Table.Td>
        <Group gap="xs" wrap="nowrap">
          <Button type="submit" form={formId} size="xs" disabled={!changed} loading={save.isPending}>
            Save
          </Button>
          <Button size="xs" variant="light" onClick={up} disabled={!up || moving} aria-label={`Move ${stage.name} up`}>
            Up
          </Button>
          <Button
            size="xs"
            variant="light"
            onClick={down}
            disabled={!down || moving}
            aria-label={`Move ${stage.name} down`}
          >
            Down
          </Button>
        </Group>
        {save.error && (errors['_form'] || !Object.keys(errors).length) && (
          <ErrorNotice error={save.error} title="Stage not saved" />
        )}
      </Table.Td>
    </Table.Tr>
  );
}

function AddStage({ pipeline, onAdded }: { pipeline: Pipeline; onAdded: () => void }) {
  const [name, setName] = useState('');
  const [kind, setKind] = useState<Kind>('open');
  const [probability, setProbability] = useState('50');
  const add = useMutation({
    mutationFn: () =>
      unwrap(
        api.POST('/api/v1/pipelines/{id}/stages', {
          params: { path: { id: pipeline.id }, header: ifMatch(pipeline) },
          body: {
            name: name.trim(),
            kind,
            probability: kind === 'won' ? 100 : kind === 'lost' ? 0 : Number(probability),
            ...(kind === 'open' ? { position: pipeline.stages.filter((s) => s.kind === 'open').length } : {}),
          },
        }),
      ),
    onSuccess: () => {
      setName('');
      onAdded();
    },
  });
  const errors = fieldErrors(problemOf(add.error), ['name', 'kind', 'probability']);
  const submit = (e: FormEvent) => {
    e.preventDefault();
    add.mutate();
  };
  return (
    <form onSubmit={submit} aria-label="New stage">
      <Group align="flex-start">
        <TextInput
          label="New stage"
          value={name}
          onChange={(e) => setName(e.currentTarget.value)}
          maxLength={100}
          required
          error={errors['name']}
        />
        <NativeSelect
          label="Kind"
          value={kind}
          onChange={(e) => setKind(e.currentTarget.value as Kind)}
          data={KINDS}
          error={errors['kind']}
        />
        <TextInput
          label="Win probability (percent)"
          type="number"
          min={0}
          max={100}
          value={kind === 'won' ? '100' : kind === 'lost' ? '0' : probability}
          disabled={kind !== 'open'}
          onChange={(e) => setProbability(e.currentTarget.value)}
          error={errors['probability']}
          w={200}
        />
        <Button type="submit" mt={24} loading={add.isPending}>
          Add stage
        </Button>
      </Group>
      {add.error && (errors['_form'] || !Object.keys(errors).length) && (
        <ErrorNotice error={add.error} title="No stage added" />
      )}
    </form>
  );
}
