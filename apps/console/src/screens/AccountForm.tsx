import { Alert, Button, Group, Loader, Select, Stack, TextInput, Title } from '@mantine/core';
import { useMutation, useQuery, useQueryClient } from '@tanstack/react-query';
import { useEffect, useState, type FormEvent } from 'react';
import { api, unwrap, type Account, type Schemas } from '../api/client';
import { ErrorNotice } from '../components/ErrorNotice';
import { ApiError, fieldErrors } from '../lib/problem';
import { Link, navigate } from '../lib/router';

const SIZES = ['1-10', '11-50', '51-200', '201-1000', '1001-5000', '5000+'];
type Values = { name: string; domain: string; industry: string; sizeBand: string; country: string; city: string };
const FIELDS = ['name', 'domain', 'industry', 'sizeBand', 'country', 'city'];
const EMPTY: Values = { name: '', domain: '', industry: '', sizeBand: '', country: '', city: '' };

export function AccountForm({ id }: { id?: string }) {
  const client = useQueryClient();
  const existing = useQuery({
    queryKey: ['account', id],
    enabled: Boolean(id),
    queryFn: () => unwrap(api.GET('/api/v1/accounts/{id}', { params: { path: { id: id as string } } })),
  });
  const [v, setV] = useState<Values>(EMPTY);
  useEffect(() => {
    const a = existing.data;
    if (a)
      setV({
        name: a.name,
        domain: a.domain ?? '',
        industry: a.industry ?? '',
        sizeBand: a.sizeBand ?? '',
        country: a.country ?? '',
        city: a.city ?? '',
      });
  }, [existing.data]);
  const save = useMutation({
    mutationFn: async (): Promise<Account> => {
      const body: Record<string, unknown> = { name: v.name };
      for (const k of ['domain', 'industry', 'sizeBand', 'country', 'city'] as const) {
        const value = v[k].trim();
        if (value) body[k] = k === 'country' ? value.toUpperCase() : value;
        else if (id && existing.data?.[k] !== null) body[k] = null;
      }
      if (!id) return unwrap(api.POST('/api/v1/accounts', { body: body as Schemas['CreateAccountDto'] }));
      return unwrap(
        api.PATCH('/api/v1/accounts/{id}', {
          params: { path: { id }, header: { 'If-Match': `"${existing.data?.version}"` } as never },
          body: body as Schemas['UpdateAccountDto'],
        }),
      );
    },
    onSuccess: () => {
      void client.invalidateQueries({ queryKey: ['accounts'] });
      navigate('/accounts');
    },
  });
  const problem = save.error instanceof ApiError ? save.error.problem : undefined;
  const errors = fieldErrors(problem, FIELDS);
  const text = (k: keyof Values, label: string) => (
    <TextInput
      label={label}
      value={v[k]}
      onChange={(e) => {
        const value = e.currentTarget.value;
        setV((x) => ({ ...x, [k]: value }));
      }}
      error={errors[k]}
      required={k === 'name'}
    />
  );
  const submit = (e: FormEvent) => {
    e.preventDefault();
    save.mutate();
  };
  if (id && existing.isPending) return <Loader aria-label="Loading the account" />;
  if (existing.error) return <ErrorNotice error={existing.error} onRetry={() => void existing.refetch()} />;
  return (
    <form onSubmit={submit} noValidate aria-labelledby="account-form-title">
      <Stack maw={640}>
        <Title order={2} id="account-form-title">
          {id ? `Edit ${existing.data?.name ?? 'account'}` : 'New account'}
        </Title>
        {problem?.code === 'VERSION_CONFLICT' && (
          <Alert color="yellow" role="alert">
            Someone changed this account meanwhile; reload it and make your change again.
          </Alert>
        )}
        {save.error && !problem?.errors && problem?.code !== 'VERSION_CONFLICT' && <ErrorNotice error={save.error} />}
        <div className="two-columns">
          {text('name', 'Name')}
          {text('domain', 'Domain')}
          {text('industry', 'Industry')}
          <Select
            label="Size"
            data={SIZES}
            value={v.sizeBand || null}
            onChange={(s) => setV((x) => ({ ...x, sizeBand: s ?? '' }))}
            error={errors['sizeBand']}
            clearable
          />
          {text('country', 'Country (ISO code)')}
          {text('city', 'City')}
        </div>
        <Group>
          <Button type="submit" loading={save.isPending}>
            {id ? 'Save' : 'Create'}
          </Button>
          <Button variant="default" component={Link} to="/accounts">
            Cancel
          </Button>
        </Group>
      </Stack>
    </form>
  );
}
