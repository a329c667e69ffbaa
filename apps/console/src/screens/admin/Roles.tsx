import { Badge, Code, Group, Loader, Stack, Table, Text, Title } from '@mantine/core';
import { useQuery } from '@tanstack/react-query';
import { auth } from '../../api/client';
import { ErrorNotice } from '../../components/ErrorNotice';
import { allowedMatrix, ROLE_ACTIONS as ACTIONS } from '../../lib/admin';
import { useSession } from '../../session';
import { AdminNav } from './AdminNav';

/**
 * Roles. The gateway has no API for the role → permission map (it is configuration:
 * AUTH_ROLE_PERMISSIONS over the platform's defaults), so this shows what the signed-in
 * session's roles grant, and the roles the sign-in offers.
 */
export function Roles() {
  const { session } = useSession();
  const config = useQuery({ queryKey: ['auth-config'], queryFn: auth.config, staleTime: 60_000 });
  const permissions = session?.permissions ?? [];
  return (
    <Stack>
      <AdminNav />
      <Title order={2}>Roles</Title>
      <Text size="sm">
        What each role grants is set in the gateway&apos;s configuration (<Code>AUTH_ROLE_PERMISSIONS</Code>), not here;
        no API lists it. This is what your own roles grant.
      </Text>
      <Group gap="xs" aria-label="Your roles" role="group">
        <Text size="sm" fw={600}>
          Your roles:
        </Text>
        {(session?.roles ?? []).map((r) => (
          <Badge key={r} variant="outline" color="dark">
            {r}
          </Badge>
        ))}
      </Group>
      <Group gap="xs" aria-label="Your permissions" role="group">
        <Text size="sm" fw={600}>
          Granted:
        </Text>
        {permissions.length ? permissions.map((p) => <Code key={p}>{p}</Code>) : <Text size="sm">nothing</Text>}
      </Group>
      <Table striped aria-label="What your roles allow" w="auto">
        <Table.Thead>
          <Table.Tr>
            <Table.Th scope="col">Area</Table.Th>
            {ACTIONS.map((a) => (
              <Table.Th scope="col" key={a}>
                {a}
              </Table.Th>
            ))}
          </Table.Tr>
        </Table.Thead>
        <Table.Tbody>
          {allowedMatrix(permissions).map((row) => (
            <Table.Tr key={row.area}>
              <Table.Th scope="row">{row.area}</Table.Th>
              {ACTIONS.map((a) => (
                <Table.Td key={a}>{row.allowed[a] ? 'yes' : 'no'}</Table.Td>
              ))}
            </Table.Tr>
          ))}
        </Table.Tbody>
      </Table>
      {config.error && <ErrorNotice error={config.error} onRetry={() => void config.refetch()} />}
      {config.isPending && <Loader aria-label="Loading the roles" />}
      {config.data && (
        <Text size="sm" aria-label="Roles of this suite">
          Roles this suite knows: {config.data.roles.join(', ')}.
        </Text>
      )}
    </Stack>
  );
}
