import { Alert, Button, Center, Divider, NativeSelect, Paper, Stack, Text, TextInput, Title } from '@mantine/core';
import { useMutation, useQuery } from '@tanstack/react-query';
import { useState, type FormEvent } from 'react';
import { auth } from '../api/client';
import { ErrorNotice } from '../components/ErrorNotice';
import { fieldErrors, ApiError } from '../lib/problem';
import { useLocation } from '../lib/router';
import { useSession } from '../session';

/** OIDC (authorization code with PKCE, run by the gateway) and, for `npm start`, a local sign-in with a chosen role. */
export function SignIn() {
  const { search } = useLocation();
  const returnTo = new URLSearchParams(search).get('returnTo') ?? '/contacts';
  const config = useQuery({ queryKey: ['auth-config'], queryFn: auth.config });
  const { signedIn } = useSession();
  const [name, setName] = useState('');
  const [role, setRole] = useState('admin');
  const local = useMutation({
    mutationFn: () => auth.local({ roles: role ? [role] : [], name: name.trim() || undefined }),
    onSuccess: (s) => signedIn(s),
  });
  const errors = local.error instanceof ApiError ? fieldErrors(local.error.problem, ['name', 'roles']) : {};
  const submit = (e: FormEvent) => {
    e.preventDefault();
    local.mutate();
  };
  return (
    <Center mih="100vh" component="main">
      <Paper withBorder p="xl" w={380} shadow="sm">
        <Stack>
          <Title order={1} size="h2">
            Sign in to the CRM
          </Title>
          {config.error && <ErrorNotice error={config.error} onRetry={() => void config.refetch()} />}
          {config.data?.oidc && (
            <Button component="a" href={`/auth/login?returnTo=${encodeURIComponent(returnTo)}`}>
              Sign in with your organisation
            </Button>
          )}
          {config.data?.oidc && config.data.localSignIn && (
            <Divider
              label={
                <Text size="sm" c="gray.7">
                  or, on this machine
                </Text>
              }
            />
          )}
          {config.data?.localSignIn && (
            <form onSubmit={submit}>
              <Stack>
                <Text size="sm" c="gray.7">
                  Local sign-in (npm start): a session like the dev token, with the role you pick.
                </Text>
                <TextInput
                  label="Your name"
                  value={name}
                  onChange={(e) => setName(e.currentTarget.value)}
                  error={errors['name']}
                  maxLength={80}
                />
                <NativeSelect
                  label="Role"
                  data={config.data.roles}
                  value={role}
                  onChange={(e) => setRole(e.currentTarget.value)}
                  error={errors['roles']}
                />
                <Button type="submit" loading={local.isPending}>
                  Sign in
                </Button>
              </Stack>
            </form>
          )}
          {local.error && !Object.keys(errors).length && <ErrorNotice error={local.error} />}
          {config.data && !config.data.oidc && !config.data.localSignIn && (
            <Alert color="yellow">No sign-in is set up: configure CONSOLE_OIDC_ISSUER or CONSOLE_LOCAL_SIGNIN.</Alert>
          )}
        </Stack>
      </Paper>
    </Center>
  );
}
