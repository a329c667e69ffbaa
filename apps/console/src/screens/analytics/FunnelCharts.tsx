import { NativeSelect, Text, TextInput } from '@mantine/core';
import { keepPreviousData, useQuery } from '@tanstack/react-query';
import { api, unwrap, type Schemas } from '../../api/client';
import type { Figures } from '../../lib/analytics';
import type { ChartProps } from './AnalyticsPage';
import { BarChart, ChartSection } from './ChartSection';

const STAGES = /^[a-z][a-z0-9_-]{0,31}(,[a-z][a-z0-9_-]{0,31}){0,9}$/;

export function lifecycleFigures(f: Schemas['LifecycleFunnelDto']): Figures {
  return {
    columns: [
      { label: 'Stage', kind: 'text' },
      { label: 'Reached', kind: 'count' },
      { label: 'Conversion to next', kind: 'ratio' },
      { label: 'Median days to next', kind: 'days' },
    ],
    rows: f.steps.map((s) => [s.stage, s.reached, s.conversionToNext, s.medianDaysToNext]),
  };
}

export function dealFunnelFigures(p: Schemas['PipelineFunnelDto']): Figures {
  return {
    columns: [
      { label: 'Stage', kind: 'text' },
      { label: 'Entered', kind: 'count' },
      { label: 'Conversion to next', kind: 'ratio' },
      { label: 'Median time in stage', kind: 'duration' },
    ],
    rows: p.stages.map((s) => [s.name ?? s.stageId, s.entered, s.conversionToNext, s.medianSecondsInStage]),
  };
}

/** The lifecycle funnel (lead to customer) and a pipeline's deal-stage funnel. */
export function FunnelCharts({ filters, search, setOption }: ChartProps) {
  const params = new URLSearchParams(search);
  const typedStages = params.get('stages') ?? '';
  const stages = STAGES.test(typedStages) ? typedStages : undefined;
  const lifecycle = useQuery({
    queryKey: ['dash-lifecycle', filters, stages],
    placeholderData: keepPreviousData,
    queryFn: ({ signal }) =>
      unwrap(api.GET('/api/v1/analytics/funnels/lifecycle', { params: { query: { ...filters, stages } }, signal })),
  });
  // Names of the pipelines come from sales (sales:read); without it the funnel still shows, by pipeline id.
  const pipelines = useQuery({
    queryKey: ['pipelines'],
    retry: false,
    queryFn: ({ signal }) => unwrap(api.GET('/api/v1/pipelines', { params: { query: { limit: 100 } }, signal })),
  });
  const deals = useQuery({
    queryKey: ['dash-deal-funnel', filters],
    placeholderData: keepPreviousData,
    queryFn: ({ signal }) => unwrap(api.GET('/api/v1/analytics/funnels/deals', { params: { query: filters }, signal })),
  });
  const nameOf = (id: string) => pipelines.data?.items.find((p) => p.id === id)?.name ?? `Pipeline ${id.slice(0, 8)}`;
  const all = deals.data?.pipelines ?? [];
  const funnel = all.find((p) => p.pipelineId === params.get('pipeline')) ?? all[0];
  const l = lifecycle.data;
  return (
    <>
      <ChartSection
        id="lifecycle"
        title="Lifecycle funnel"
        tableLabel="Lifecycle funnel in numbers"
        fileName="lifecycle-funnel.csv"
        query={lifecycle}
        figures={l && lifecycleFigures(l)}
        options={
          <TextInput
            label="Stages, in order"
            description="comma-separated; lead,prospect,customer when empty"
            defaultValue={typedStages}
            w={320}
            error={typedStages && !stages ? 'Lower-case stage names separated by commas' : undefined}
            onBlur={(e) => setOption('stages', e.currentTarget.value.replace(/\s+/g, ''))}
            onKeyDown={(e) => e.key === 'Enter' && setOption('stages', e.currentTarget.value.replace(/\s+/g, ''))}
          />
        }
      >
        {l && (
          <BarChart
            label="Contacts reaching each stage"
            series={[{ name: 'Reached', className: 'bar-weighted' }]}
            rows={l.steps.map((s) => ({ label: s.stage, values: [s.reached] }))}
          />
        )}
      </ChartSection>
      <ChartSection
        id="deal-funnel"
        title="Deal-stage funnel"
        tableLabel="Deal-stage funnel in numbers"
        fileName="deal-funnel.csv"
        query={deals}
        figures={deals.data && (funnel ? dealFunnelFigures(funnel) : { columns: [], rows: [] })}
        empty="No deal was created in this range."
        options={
          all.length > 1 && (
            <NativeSelect
              label="Pipeline"
              value={funnel?.pipelineId ?? ''}
              onChange={(e) => setOption('pipeline', e.currentTarget.value)}
              data={all.map((p) => ({ value: p.pipelineId, label: nameOf(p.pipelineId) }))}
            />
          )
        }
        summary={
          funnel && (
            <Text size="sm">
              {nameOf(funnel.pipelineId)}: {funnel.deals} deals created in the range, {funnel.won} won
              {funnel.wonRate === null ? '' : ` (${(funnel.wonRate * 100).toFixed(1)} %)`}
            </Text>
          )
        }
      >
        {funnel && (
          <BarChart
            label="Deals entering each stage"
            series={[{ name: 'Entered', className: 'bar-weighted' }]}
            rows={funnel.stages.map((s) => ({ label: s.name ?? s.stageId.slice(0, 8), values: [s.entered] }))}
          />
        )}
      </ChartSection>
    </>
  );
}
