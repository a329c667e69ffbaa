import { Button, Checkbox, Group, Loader, NativeSelect, Stack, Table, Text, TextInput, Title } from '@mantine/core';
import { useMutation, useQuery, useQueryClient } from '@tanstack/react-query';
import { useState, type FormEvent } from 'react';
import { api, unwrap, type Schemas } from '../../api/client';
import { ErrorNotice } from '../../components/ErrorNotice';
import { hoursWords, minutesWords } from '../../lib/admin';
import { ApiError, fieldErrors } from '../../lib/problem';
import { useSession } from '../../session';
import type { Calendar } from '../support/support-types';
import { AdminNav } from './AdminNav';

const DAY_NAMES = ['Monday', 'Tuesday', 'Wednesday', 'Thursday', 'Friday', 'Saturday', 'Sunday'];
type Priority = Schemas['CreateSlaPolicyDto']['priority'];
type Channel = NonNullable<Schemas['CreateSlaPolicyDto']['channel']>;
const PRIORITIES: Priority[] = ['low', 'normal', 'high', 'urgent'];
const CHANNELS: Channel[] = ['email', 'phone', 'web', 'chat', 'social'];
const problemOf = (e: unknown) => (e instanceof ApiError ? e.problem : undefined);

/** Support's business calendars and SLA policies (support:read), a new one of each (support:admin). */
export function SlaPolicies() {
  const { can } = useSession();
  const admin = can('support:admin');
  const calendars = useQuery({
    queryKey: ['calendars'],
    queryFn: ({ signal }) => unwrap(api.GET('/api/v1/calendars', { params: { query: { limit: 200 } }, signal })),
  });
  const policies = useQuery({
    queryKey: ['sla-policies'],
    queryFn: ({ signal }) => unwrap(api.GET('/api/v1/sla-policies', { params: { query: { limit: 200 } }, signal })),
  });
  const cals = calendars.data?.items ?? [];
  const calName = (id: string) => cals.find((c) => c.id === id)?.name ?? id;
  return (
    <Stack>
      <AdminNav />
      <Title order={2}>SLA policies and business calendars</Title>
      <Stack gap="xs" component="section" aria-label="Business calendars">
        <Title order={3} size="h4">
          Business calendars
        </Title>
        {admin && <NewCalendar />}
        {calendars.error && <ErrorNotice error={calendars.error} onRetry={() => void calendars.refetch()} />}
        {calendars.isPending && <Loader aria-label="Loading the calendars" />}
        {calendars.data && !cals.length && <Text role="status">No calendars yet.</Text>}
        {cals.length > 0 && (
          <Table striped aria-label="Business calendars">
            <Table.Thead>
              <Table.Tr>
                <Table.Th scope="col">Name</Table.Th>
                <Table.Th scope="col">Time zone</Table.Th>
                <Table.Th scope="col">Working hours</Table.Th>
                <Table.Th scope="col">Holidays</Table.Th>
              </Table.Tr>
            </Table.Thead>
            <Table.Tbody>
              {cals.map((c) => (
                <Table.Tr key={c.id}>
                  <Table.Th scope="row">{c.name}</Table.Th>
                  <Table.Td>{c.timeZone}</Table.Td>
                  <Table.Td>{hoursWords(c.hours)}</Table.Td>
                  <Table.Td>
                    {[
                      c.holidayCountry
                        ? `public holidays of ${c.holidayCountry}${c.holidayRegion ? `-${c.holidayRegion}` : ''}`
                        : '',
                      c.holidays.length ? c.holidays.join(', ') : '',
                    ]
                      .filter(Boolean)
                      .join('; ') || 'none'}
                  </Table.Td>
                </Table.Tr>
              ))}
            </Table.Tbody>
          </Table>
        )}
      </Stack>
      <Stack gap="xs" component="section" aria-label="SLA policies">
        <Title order={3} size="h4">
          SLA policies
        </Title>
        {admin && <NewPolicy calendars={cals} />}
        {policies.error && <ErrorNotice error={policies.error} onRetry={() => void policies.refetch()} />}
        {policies.isPending && <Loader aria-label="Loading the SLA policies" />}
        {policies.data && !policies.data.items.length && <Text role="status">No SLA policies yet.</Text>}
        {policies.data && policies.data.items.length > 0 && (
          <Table striped aria-label="SLA policies">
            <Table.Thead>
              <Table.Tr>
                <Table.Th scope="col">Name</Table.Th>
                <Table.Th scope="col">Applies to</Table.Th>
                <Table.Th scope="col">First response</Table.Th>
                <Table.Th scope="col">Next response</Table.Th>
                <Table.Th scope="col">Resolution</Table.Th>
                <Table.Th scope="col">Warn at</Table.Th>
                <Table.Th scope="col">Clock pauses</Table.Th>
                <Table.Th scope="col">Calendar</Table.Th>
              </Table.Tr>
            </Table.Thead>
            <Table.Tbody>
              {policies.data.items.map((p) => (
                <Table.Tr key={p.id}>
                  <Table.Th scope="row">{p.name}</Table.Th>
                  <Table.Td>
                    {[
                      `${p.priority} priority`,
                      p.channel ? `by ${p.channel}` : '',
                      p.accountTier ? `tier ${p.accountTier}` : '',
                    ]
                      .filter(Boolean)
                      .join(', ')}
                  </Table.Td>
                  <Table.Td>{minutesWords(p.firstResponseMinutes)}</Table.Td>
                  <Table.Td>{minutesWords(p.nextResponseMinutes)}</Table.Td>
                  <Table.Td>{minutesWords(p.resolutionMinutes)}</Table.Td>
                  <Table.Td>{p.warnAtPercent} %</Table.Td>
                  <Table.Td>
                    {[p.pauseOnPending ? 'pending' : '', p.pauseOnHold ? 'on hold' : ''].filter(Boolean).join(', ') ||
                      'never'}
                  </Table.Td>
                  <Table.Td>{calName(p.calendarId)}</Table.Td>
                </Table.Tr>
              ))}
            </Table.Tbody>
          </Table>
        )}
      </Stack>
    </Stack>
  );
}

function NewCalendar() {
  const client = useQueryClient();
  const [name, setName] = useState('');
  const [timeZone, setTimeZone] = useState(() => Intl.DateTimeFormat().resolvedOptions().timeZone || 'UTC');
  const [days, setDays] = useState<number[]>([1, 2, 3, 4, 5]);
  const [start, setStart] = useState('09:00');
  const [end, setEnd] = useState('18:00');
  const [holidays, setHolidays] = useState('');
  const [holidayCountry, setHolidayCountry] = useState('');
  const create = useMutation({
    mutationFn: () =>
      unwrap(
        api.POST('/api/v1/calendars', {
          body: {
            name: name.trim(),
            timeZone: timeZone.trim(),
            hours: days.map((day) => ({ day, start, end })),
            ...(holidays.trim()
              ? {
                  holidays: holidays
                    .split(/[\s,]+/)
                    .map((h) => h.trim())
                    .filter(Boolean),
                }
              : {}),
            ...(holidayCountry.trim() ? { holidayCountry: holidayCountry.trim().toUpperCase() } : {}),
          },
        }),
      ),
    onSuccess: () => {
      setName('');
      setHolidays('');
      void client.invalidateQueries({ queryKey: ['calendars'] });
    },
  });
  const errors = fieldErrors(problemOf(create.error), ['name', 'timeZone', 'hours', 'holidays', 'holidayCountry']);
  const submit = (e: FormEvent) => {
    e.preventDefault();
    create.mutate();
  };
  return (
    <form onSubmit={submit} aria-label="New calendar">
      <Stack gap="xs">
        <Group align="flex-start">
          <TextInput
            label="Name"
            value={name}
            onChange={(e) => setName(e.currentTarget.value)}
            maxLength={200}
            required
            error={errors['name']}
          />
          <TextInput
            label="Time zone"
            description="IANA, e.g. Europe/Paris"
            value={timeZone}
            onChange={(e) => setTimeZone(e.currentTarget.value)}
            maxLength={64}
            required
            error={errors['timeZone']}
          />
          <TextInput
            label="Opens at"
            type="time"
            value={start}
            onChange={(e) => setStart(e.currentTarget.value)}
            error={errors['hours']}
          />
          <TextInput label="Closes at" type="time" value={end} onChange={(e) => setEnd(e.currentTarget.value)} />
        </Group>
        <Checkbox.Group
          label="Working days"
          value={days.map(String)}
          onChange={(v) => setDays(v.map(Number).sort((a, b) => a - b))}
        >
          <Group mt={4}>
            {DAY_NAMES.map((d, i) => (
              <Checkbox key={d} value={String(i + 1)} label={d} />
            ))}
          </Group>
        </Checkbox.Group>
        <Group align="flex-start">
          <TextInput
            label="Holidays"
            description="Dates YYYY-MM-DD, separated by commas"
            value={holidays}
            onChange={(e) => setHolidays(e.currentTarget.value)}
            error={errors['holidays']}
            w={320}
          />
          <TextInput
            label="Public holidays of (country code)"
            description="e.g. FR; leave empty for none"
            value={holidayCountry}
            onChange={(e) => setHolidayCountry(e.currentTarget.value)}
            maxLength={2}
            error={errors['holidayCountry']}
          />
          <Button type="submit" mt={44} loading={create.isPending}>
            Create calendar
          </Button>
        </Group>
        {create.error && (errors['_form'] || !Object.keys(errors).length) && (
          <ErrorNotice error={create.error} title="No calendar created" />
        )}
      </Stack>
    </form>
  );
}

function NewPolicy({ calendars }: { calendars: Calendar[] }) {
  const client = useQueryClient();
  const [name, setName] = useState('');
  const [calendarId, setCalendarId] = useState('');
  const [priority, setPriority] = useState<Priority>('normal');
  const [channel, setChannel] = useState<Channel | ''>('');
  const [accountTier, setAccountTier] = useState('');
  const [first, setFirst] = useState('');
  const [next, setNext] = useState('');
  const [resolution, setResolution] = useState('');
  const [warnAt, setWarnAt] = useState('80');
  const [pauseOnPending, setPauseOnPending] = useState(true);
  const [pauseOnHold, setPauseOnHold] = useState(false);
  const calendar = calendarId || calendars[0]?.id || '';
  const minutes = (v: string) => (v.trim() ? Number(v) : undefined);
  const create = useMutation({
    mutationFn: () =>
      unwrap(
        api.POST('/api/v1/sla-policies', {
          body: {
            name: name.trim(),
            calendarId: calendar,
            priority,
            ...(channel ? { channel } : {}),
            ...(accountTier.trim() ? { accountTier: accountTier.trim() } : {}),
            ...(minutes(first) ? { firstResponseMinutes: minutes(first) } : {}),
            ...(minutes(next) ? { nextResponseMinutes: minutes(next) } : {}),
            ...(minutes(resolution) ? { resolutionMinutes: minutes(resolution) } : {}),
            warnAtPercent: Number(warnAt),
            pauseOnPending,
            pauseOnHold,
          },
        }),
      ),
    onSuccess: () => {
      setName('');
      void client.invalidateQueries({ queryKey: ['sla-policies'] });
    },
  });
  const errors = fieldErrors(problemOf(create.error), [
    'name',
    'calendarId',
    'priority',
    'channel',
    'accountTier',
    'firstResponseMinutes',
    'nextResponseMinutes',
    'resolutionMinutes',
    'warnAtPercent',
  ]);
  const submit = (e: FormEvent) => {
    e.preventDefault();
    create.mutate();
  };
  if (!calendars.length) return <Text size="sm">Create a business calendar first: every policy counts on one.</Text>;
  return (
    <form onSubmit={submit} aria-label="New SLA policy">
      <Stack gap="xs">
        <Group align="flex-start">
          <TextInput
            label="Name"
            value={name}
            onChange={(e) => setName(e.currentTarget.value)}
            maxLength={200}
            required
            error={errors['name']}
          />
          <NativeSelect
            label="Calendar"
            value={calendar}
            onChange={(e) => setCalendarId(e.currentTarget.value)}
            data={calendars.map((c) => ({ value: c.id, label: c.name }))}
            error={errors['calendarId']}
          />
          <NativeSelect
            label="Priority"
            value={priority}
            onChange={(e) => setPriority(e.currentTarget.value as Priority)}
            data={PRIORITIES}
            error={errors['priority']}
          />
          <NativeSelect
            label="Channel"
            value={channel}
            onChange={(e) => setChannel(e.currentTarget.value as Channel | '')}
            data={[{ value: '', label: 'Any channel' }, ...CHANNELS.map((c) => ({ value: c, label: c }))]}
            error={errors['channel']}
          />
          <TextInput
            label="Account tier"
            description="Leave empty for any"
            value={accountTier}
            onChange={(e) => setAccountTier(e.currentTarget.value)}
            maxLength={50}
            error={errors['accountTier']}
          />
        </Group>
        <Group align="flex-start">
          <TextInput
            label="First response (business minutes)"
            type="number"
            min={1}
            value={first}
            onChange={(e) => setFirst(e.currentTarget.value)}
            error={errors['firstResponseMinutes']}
          />
          <TextInput
            label="Next response (business minutes)"
            type="number"
            min={1}
            value={next}
            onChange={(e) => setNext(e.currentTarget.value)}
            error={errors['nextResponseMinutes']}
          />
          <TextInput
            label="Resolution (business minutes)"
            type="number"
            min={1}
            value={resolution}
            onChange={(e) => setResolution(e.currentTarget.value)}
            error={errors['resolutionMinutes']}
          />
          <TextInput
            label="Warn at (percent of a target)"
            type="number"
            min={1}
            max={100}
            value={warnAt}
            onChange={(e) => setWarnAt(e.currentTarget.value)}
            error={errors['warnAtPercent']}
          />
        </Group>
        <Group>
          <Checkbox
            label="Clock pauses while pending"
            checked={pauseOnPending}
            onChange={(e) => setPauseOnPending(e.currentTarget.checked)}
          />
          <Checkbox
            label="Clock pauses on hold"
            checked={pauseOnHold}
            onChange={(e) => setPauseOnHold(e.currentTarget.checked)}
          />
          <Button type="submit" loading={create.isPending}>
            Create policy
          </Button>
        </Group>
        {create.error && (errors['_form'] || !Object.keys(errors).length) && (
          <ErrorNotice error={create.error} title="No policy created" />
        )}
      </Stack>
    </form>
  );
}
