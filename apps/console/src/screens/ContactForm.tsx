import { Alert, Anchor, Button, Group, Loader, Select, Stack, TagsInput, TextInput, Title } from '@mantine/core';
import { useMutation, useQuery, useQueryClient } from '@tanstack/react-query';
import { useEffect, useState, type FormEvent } from 'react';
import { api, unwrap, type Person, type Schemas } from '../api/client';
import { ErrorNotice } from '../components/ErrorNotice';
import { CHANNELS, STAGES } from '../lib/contact-query';
import { ApiError, fieldErrors } from '../lib/problem';
import { Link, navigate } from '../lib/router';

interface Values {
  firstName: string;
  lastName: string;
  email: string;
  phone: string;
  lifecycleStage: string;
  country: string;
  city: string;
  occupation: string;
  tags: string[];
  sourceChannel: string;
}

const FIELDS = Object.keys({
  firstName: 0,
  lastName: 0,
  email: 0,
  phone: 0,
  lifecycleStage: 0,
  country: 0,
  city: 0,
  occupation: 0,
  tags: 0,
  sourceChannel: 0,
});
/** Where the API's field names land on this form. */
const ALIASES: Record<string, string> = {
  'emails.0.address': 'email',
  emails: 'email',
  'phones.0.number': 'phone',
  phones: 'phone',
  'source.channel': 'sourceChannel',
  source: 'sourceChannel',
};

const EMPTY: Values = {
  firstName: '',
  lastName: '',
  email: '',
  phone: '',
  lifecycleStage: 'lead',
  country: '',
  city: '',
  occupation: '',
  tags: [],
  sourceChannel: '',
};

function fromPerson(p: Person): Values {
  return {
    firstName: p.firstName,
    lastName: p.lastName,
    email: p.emails.find((e) => e.primary)?.address ?? p.emails[0]?.address ?? '',
    phone: p.phones.find((x) => x.primary)?.number ?? p.phones[0]?.number ?? '',
    lifecycleStage: p.lifecycleStage,
    country: p.country ?? '',
    city: p.city ?? '',
    occupation: p.occupation ?? '',
    tags: p.tags,
    sourceChannel: (p.source as { channel?: string }).channel ?? '',
  };
}

/** The body for POST or PATCH: what the form holds, blanks left out (or cleared with null on an edit). */
function body(v: Values, before?: Person): Schemas['CreatePersonDto'] {
  const opt = (s: string) => (s.trim() ? s.trim() : undefined);
  const out: Record<string, unknown> = {
    firstName: v.firstName,
    lastName: v.lastName,
    lifecycleStage: v.lifecycleStage,
    tags: v.tags,
  };
  for (const k of ['country', 'city', 'occupation'] as const) {
    const value = opt(v[k]);
    if (value !== undefined) out[k] = k === 'country' ? value.toUpperCase() : value;
    else if (before && before[k] !== null) out[k] = null;
  }
  const others = before?.emails.filter((e) => e.address !== v.email.trim() && !e.primary) ?? [];
  if (opt(v.email))
    out['emails'] = [{ address: v.email.trim(), primary: true }, ...others.map((e) => ({ address: e.address }))];
  else if (before) out['emails'] = others.map((e) => ({ address: e.address }));
  if (opt(v.phone)) out['phones'] = [{ number: v.phone.trim(), primary: true }];
  else if (before) out['phones'] = [];
  if (v.sourceChannel) out['source'] = { channel: v.sourceChannel };
  return out as Schemas['CreatePersonDto'];
}

/** New person or edit: the API decides what is valid, and its messages are shown on the fields. */
export function ContactForm({ id }: { id?: string }) {
  const client = useQueryClient();
  const existing = useQuery({
    queryKey: ['contact', id],
    enabled: Boolean(id),
    queryFn: () => unwrap(api.GET('/api/v1/contacts/{id}', { params: { path: { id: id as string } } })),
  });
  const [values, setValues] = useState<Values>(EMPTY);
  useEffect(() => {
    if (existing.data) setValues(fromPerson(existing.data));
  }, [existing.data]);
  const save = useMutation({
    mutationFn: async (v: Values): Promise<Person> => {
      if (!id) return unwrap(api.POST('/api/v1/contacts', { body: body(v) }));
      const before = existing.data as Person;
      return unwrap(
        api.PATCH('/api/v1/contacts/{id}', {
          params: { path: { id }, header: { 'If-Match': `"${before.version}"` } as never },
          body: body(v, before) as Schemas['UpdatePersonDto'],
        }),
      );
    },
    onSuccess: (p) => {
      client.setQueryData(['contact', p.id], p);
      void client.invalidateQueries({ queryKey: ['contacts'] });
      void client.invalidateQueries({ queryKey: ['customer', p.id] });
      navigate(`/contacts/${p.id}`);
    },
  });
  const problem = save.error instanceof ApiError ? save.error.problem : undefined;
  const errors = fieldErrors(problem, FIELDS, ALIASES);
  if (problem?.code === 'CONTACT_EMAIL_TAKEN')
    errors['email'] = problem.detail ?? 'This email belongs to another contact';
  const field = (k: keyof Values) => ({
    value: values[k] as string,
    onChange: (e: React.ChangeEvent<HTMLInputElement>) => {
      const value = e.currentTarget.value;
      setValues((x) => ({ ...x, [k]: value }));
    },
    error: errors[k],
  });
  const submit = (e: FormEvent) => {
    e.preventDefault();
    save.mutate(values);
  };
  if (id && existing.isPending) return <Loader aria-label="Loading the contact" />;
  if (existing.error) return <ErrorNotice error={existing.error} onRetry={() => void existing.refetch()} />;
  return (
    <form onSubmit={submit} noValidate aria-labelledby="contact-form-title">
      <Stack maw={720}>
        <Title order={2} id="contact-form-title">
          {id ? `Edit ${existing.data?.displayName ?? 'contact'}` : 'New contact'}
        </Title>
        {problem?.code === 'VERSION_CONFLICT' && (
          <Alert color="yellow" role="alert" title="Changed meanwhile">
            Someone changed this contact after you opened it.{' '}
            <Anchor component="button" type="button" onClick={() => void existing.refetch()}>
              Load their version
            </Anchor>{' '}
            and make your change again.
          </Alert>
        )}
        {problem?.code === 'CONTACT_EMAIL_TAKEN' && typeof problem['existingId'] === 'string' && (
          <Alert color="yellow" role="alert">
            <Anchor component={Link} to={`/contacts/${problem['existingId']}`}>
              Open the contact that has this email
            </Anchor>
          </Alert>
        )}
        {errors['_form'] && (
          <Alert color="red" role="alert">
            {errors['_form']}
          </Alert>
        )}
        {save.error &&
          !problem?.errors &&
          !['VERSION_CONFLICT', 'CONTACT_EMAIL_TAKEN'].includes(problem?.code ?? '') && (
            <ErrorNotice error={save.error} />
          )}
        <div className="two-columns">
          <TextInput label="First name" required {...field('firstName')} maxLength={200} />
          <TextInput label="Last name" required {...field('lastName')} maxLength={200} />
          <TextInput label="Email" type="email" {...field('email')} />
          <TextInput label="Phone" type="tel" {...field('phone')} />
          <Select
            label="Stage"
            data={[...STAGES]}
            value={values.lifecycleStage}
            onChange={(v) => setValues((x) => ({ ...x, lifecycleStage: v ?? 'lead' }))}
            error={errors['lifecycleStage']}
            allowDeselect={false}
          />
          <Select
            label="Source"
            data={[...CHANNELS]}
            value={values.sourceChannel || null}
            onChange={(v) => setValues((x) => ({ ...x, sourceChannel: v ?? '' }))}
            error={errors['sourceChannel']}
            clearable
          />
          <TextInput label="Country (ISO code)" {...field('country')} />
          <TextInput label="City" {...field('city')} />
          <TextInput label="Occupation" {...field('occupation')} />
          <TagsInput
            label="Tags"
            value={values.tags}
            onChange={(tags) => setValues((x) => ({ ...x, tags }))}
            error={errors['tags']}
          />
        </div>
        <Group>
          <Button type="submit" loading={save.isPending}>
            {id ? 'Save' : 'Create'}
          </Button>
          <Button variant="default" component={Link} to={id ? `/contacts/${id}` : '/contacts'}>
            Cancel
          </Button>
        </Group>
      </Stack>
    </form>
  );
}
