import { Checkbox, Group, NativeSelect, Text, TextInput } from '@mantine/core';
import { keepPreviousData, useQuery } from '@tanstack/react-query';
import { api, unwrap, type Schemas } from '../../api/client';
import { formatCell, pick, wholeNumber, type Column, type Figures } from '../../lib/analytics';
import type { ChartProps } from './AnalyticsPage';
import { BarChart, ChartSection } from './ChartSection';

type Model = Schemas['AttributionDto']['models'][number];
const MODELS: readonly [Model, string][] = [
  ['firstTouch', 'First touch'],
  ['lastTouch', 'Last touch'],
  ['linear', 'Linear'],
  ['positionBased', 'Position-based'],
  ['timeDecay', 'Time decay'],
];
const SERIES = MODELS.map(([, name], i) => ({ name, className: `bar-model-${i + 1}` }));
const TOUCHES = ['sent', 'delivered', 'opened', 'clicked'] as const;
const modelColumns = (suffix = ''): Column[] =>
  MODELS.map(([, name]) => ({ label: `${name}${suffix}`, kind: 'money' as const }));

export function channelFigures(a: Schemas['AttributionDto']): Figures {
  return {
    columns: [{ label: 'Channel', kind: 'text' }, ...modelColumns()],
    rows: a.byChannel.map((c) => [c.channel, ...MODELS.map(([m]) => c[m])]),
  };
}

export function campaignCreditFigures(a: Schemas['AttributionDto']): Figures {
  return {
    columns: [
      { label: 'Campaign', kind: 'text' },
      { label: 'Channel', kind: 'text' },
      { label: 'Conversions', kind: 'count' },
      ...modelColumns(),
    ],
    rows: a.byCampaign.map((c) => [c.name, c.channel, c.conversions, ...MODELS.map(([m]) => c[m])]),
  };
}

export function roiFigures(r: Schemas['RoiDto']): Figures {
  return {
    columns: [
      { label: 'Campaign', kind: 'text' },
      { label: 'Channel', kind: 'text' },
      { label: 'Cost', kind: 'money' },
      ...modelColumns(' revenue'),
      ...MODELS.map(([, name]) => ({ label: `${name} ROI`, kind: 'ratio' as const })),
    ],
    rows: r.campaigns.map((c) => [
      c.name,
      c.channel,
      c.costMinor,
      ...MODELS.map(([m]) => c.revenueMinor[m]),
      ...MODELS.map(([m]) => c.roi[m]),
    ]),
  };
}

/** Revenue credited to channels and campaigns under five attribution models side by side, and each campaign's ROI. */
export function AttributionCharts({ filters, search, setOption }: ChartProps) {
  const params = new URLSearchParams(search);
  const conversion = pick(search, 'conversion', ['order', 'deal'] as const, 'order');
  const lookbackDays = wholeNumber(search, 'lookbackDays', 1, 365, 30);
  const halfLifeDays = wholeNumber(search, 'halfLifeDays', 1, 365, 7);
  const touchList = (params.get('touches') ?? 'opened,clicked').split(',').filter((t) => TOUCHES.some((k) => k === t));
  const touches = touchList.length ? touchList.join(',') : 'opened,clicked';
  const shownModel = pick(
    search,
    'model',
    MODELS.map(([m]) => m),
    'linear',
  );
  const query = { ...filters, conversion, lookbackDays, halfLifeDays, touches };
  const attribution = useQuery({
    queryKey: ['dash-attribution', query],
    placeholderData: keepPreviousData,
    queryFn: ({ signal }) => unwrap(api.GET('/api/v1/analytics/attribution', { params: { query }, signal })),
  });
  const roi = useQuery({
    queryKey: ['dash-roi', query],
    placeholderData: keepPreviousData,
    queryFn: ({ signal }) => unwrap(api.GET('/api/v1/analytics/roi', { params: { query }, signal })),
  });
  const a = attribution.data;
  const shownName = MODELS.find(([m]) => m === shownModel)?.[1] ?? shownModel;
  const chosen = touches.split(',');
  const toggleTouch = (t: string, on: boolean) => {
    const next = TOUCHES.filter((k) => (k === t ? on : chosen.includes(k)));
    setOption('touches', next.join(','));
  };
  const options = (
    <>
      <NativeSelect
        label="Conversion"
        value={conversion}
        onChange={(e) => setOption('conversion', e.currentTarget.value)}
        data={[
          { value: 'order', label: 'Orders' },
          { value: 'deal', label: 'Deals won' },
        ]}
      />
      <TextInput
        label="Look back (days)"
        type="number"
        min={1}
        max={365}
        defaultValue={String(lookbackDays)}
        w={130}
        onBlur={(e) => setOption('lookbackDays', e.currentTarget.value)}
      />
      <TextInput
        label="Half-life (days)"
        description="time decay"
        type="number"
        min={1}
        max={365}
        defaultValue={String(halfLifeDays)}
        w={130}
        onBlur={(e) => setOption('halfLifeDays', e.currentTarget.value)}
      />
      <fieldset className="plain-fieldset">
        <legend className="fieldset-legend">Touches that count</legend>
        <Group gap="xs">
          {TOUCHES.map((t) => (
            <Checkbox
              key={t}
              label={t}
              checked={chosen.includes(t)}
              disabled={chosen.length === 1 && chosen.includes(t)}
              onChange={(e) => toggleTouch(t, e.currentTarget.checked)}
            />
          ))}
        </Group>
      </fieldset>
    </>
  );
  return (
    <>
      <ChartSection
        id="attribution"
        title="Attribution models side by side"
        tableLabel="Revenue by channel and model in numbers"
        fileName="attribution-by-channel.csv"
        query={attribution}
        figures={a && channelFigures(a)}
        options={options}
        empty="No conversion had a touch in the window."
        summary={
          a && (
            <Text size="sm" role="status">
              {a.conversions} conversions, revenue {formatCell(a.revenueMinor, 'money')}, of which{' '}
              {formatCell(a.unattributedMinor, 'money')} without a touch in the {a.lookbackDays} days before
            </Text>
          )
        }
      >
        {a && (
          <BarChart
            label="Revenue credited to each channel under each model"
            series={SERIES}
            rows={a.byChannel.map((c) => ({ label: c.channel, values: MODELS.map(([m]) => c[m]) }))}
          />
        )}
      </ChartSection>
      <ChartSection
        id="attribution-campaigns"
        title="By campaign"
        tableLabel="Revenue by campaign and model in numbers"
        fileName="attribution-by-campaign.csv"
        query={attribution}
        figures={a && campaignCreditFigures(a)}
        empty="No campaign was credited."
      />
      <ChartSection
        id="roi"
        title="Campaign ROI"
        tableLabel="Campaign ROI in numbers"
        fileName="campaign-roi.csv"
        query={roi}
        figures={roi.data && roiFigures(roi.data)}
        empty="No campaign yet."
        options={
          <NativeSelect
            label="Model in the chart"
            value={shownModel}
            onChange={(e) => setOption('model', e.currentTarget.value)}
            data={MODELS.map(([value, label]) => ({ value, label }))}
          />
        }
      >
        {roi.data && (
          <BarChart
            label={`Cost and revenue credited under ${shownName} per campaign`}
            series={[
              { name: 'Cost', className: 'bar-cost' },
              { name: `Revenue (${shownName})`, className: 'bar-weighted' },
            ]}
            rows={roi.data.campaigns.map((c) => ({
              label: c.name,
              values: [c.costMinor, c.revenueMinor[shownModel]],
            }))}
          />
        )}
      </ChartSection>
    </>
  );
}
