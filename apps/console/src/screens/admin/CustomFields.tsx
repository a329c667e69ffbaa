import {
  Button,
  Checkbox,
  Code,
  Group,
  Loader,
  NativeSelect,
  Stack,
  Table,
  Text,
  TextInput,
  Title,
} from '@mantine/core';
import { useMutation, useQuery, useQueryClient } from '@tanstack/react-query';
import { useState, type FormEvent } from 'react';
import { api, unwrap, type Schemas } from '../../api/client';
import { ErrorNotice } from '../../components/ErrorNotice';
import { ApiError, fieldErrors } from '../../lib/problem';
import { useSession } from '../../session';
import { AdminNav } from './AdminNav';

type FieldType = Schemas['CreateCustomFieldDto']['type'];
const TYPES: { value: FieldType; label: string }[] = [
  { value: 'string', label: 'Text' },
  { value: 'number', label: 'Number' },
  { value: 'boolean', label: 'Yes / no' },
  { value: 'date', label: 'Date' },
  { value: 'enum', label: 'One of a list' },
];
const typeLabel = (t: string) => TYPES.find((x) => x.value === t)?.label ?? t;
const FIELDS = ['key', 'label', 'type', 'required', 'options', 'pattern', 'maxLength'] as const;

/** Contacts' custom field definitions (contacts:read) and a new one (contacts:admin). */
export function CustomFields() {
  const { can } = useSession();
  const defs = useQuery({
    queryKey: ['custom-fields'],
    queryFn: ({ signal }) => unwrap(api.GET('/api/v1/custom-fields', { signal })),
  });
  return (
    <Stack>
      <AdminNav />
      <Title order={2}>Custom fields</Title>
      <Text size="sm">
        Extra fields on every contact: values are <Code>customFields.key</Code>, and the contacts list filters on them.
      </Text>
      {can('contacts:admin') && <NewCustomField />}
      {defs.error && <ErrorNotice error={defs.error} onRetry={() => void defs.refetch()} />}
      {defs.isPending && <Loader aria-label="Loading the custom fields" />}
      {defs.data && !defs.data.length && <Text role="status">No custom fields yet.</Text>}
      {defs.data && defs.data.length > 0 && (
        <Table striped aria-label="Custom fields">
          <Table.Thead>
            <Table.Tr>
              <Table.Th scope="col">Key</Table.Th>
              <Table.Th scope="col">Label</Table.Th>
              <Table.Th scope="col">Type</Table.Th>
              <Table.Th scope="col">Required</Table.Th>
              <Table.Th scope="col">Rules</Table.Th>
              <Table.Th scope="col">Defined</Table.Th>
            </Table.Tr>
          </Table.Thead>
          <Table.Tbody>
            {defs.data.map((d) => (
              <Table.Tr key={d.key}>
                <Table.Th scope="row">
                  <Code>{d.key}</Code>
                </Table.Th>
                <Table.Td>{d.label}</Table.Td>
                <Table.Td>{typeLabel(d.type)}</Table.Td>
                <Table.Td>{d.required ? 'yes' : 'no'}</Table.Td>
                <Table.Td>
                  {[
                    d.options?.length ? `one of ${d.options.join(', ')}` : '',
                    d.pattern ? `matches ${d.pattern}` : '',
                    d.maxLength ? `at most ${d.maxLength} characters` : '',
                  ]
                    .filter(Boolean)
                    .join('; ') || '—'}
                </Table.Td>
                <Table.Td>{new Date(d.createdAt).toLocaleDateString()}</Table.Td>
              </Table.Tr>
            ))}
          </Table.Tbody>
        </Table>
      )}
    </Stack>
  );
}

function NewCustomField() {
  const client = useQueryClient();
  const [key, setKey] = useState('');
  const [label, setLabel] = useState('');
  const [type, setType] = useState<FieldType>('string');
  const [required, setRequired] = useState(false);
  const [options, setOptions] = useState('');
  const [pattern, setPattern] = useState('');
  const [maxLength, setMaxLength] = useState('');
  const create = useMutation({
    mutationFn: () =>
      unwrap(
        api.POST('/api/v1/custom-fields', {
          body: {
            key: key.trim(),
            label: label.trim(),
            type,
            required,
            ...(type === 'enum'
              ? {
                  options: options
                    .split(',')
                    .map((o) => o.trim())
                    .filter(Boolean),
                }
              : {}),
            ...(type === 'string' && pattern ? { pattern } : {}),
            ...(type === 'string' && maxLength ? { maxLength: Number(maxLength) } : {}),
          },
        }),
      ),
    onSuccess: () => {
      setKey('');
      setLabel('');
      setOptions('');
      setPattern('');
      setMaxLength('');
      setRequired(false);
      void client.invalidateQueries({ queryKey: ['custom-fields'] });
    },
  });
  const problem = create.error instanceof ApiError ? create.error.problem : undefined;
  const errors = fieldErrors(problem, FIELDS);
  // A taken key comes without field errors: it belongs on the key.
  if (problem?.code === 'CUSTOM_FIELD_EXISTS') errors['key'] = problem.detail ?? 'is taken';
  const submit = (e: FormEvent) => {
    e.preventDefault();
    create.mutate();
  };
  return (
    <form onSubmit={submit} aria-label="New custom field">
      <Stack gap="xs">
        <Group align="flex-start">
          <TextInput
            label="Key"
            description="Lower case letters, digits and _"
            value={key}
            onChange={(e) => setKey(e.currentTarget.value)}
            maxLength={40}
            required
            error={errors['key']}
          />
          <TextInput
            label="Label"
            value={label}
            onChange={(e) => setLabel(e.currentTarget.value)}
            maxLength={100}
            required
            error={errors['label']}
          />
          <NativeSelect
            label="Type"
            value={type}
            onChange={(e) => setType(e.currentTarget.value as FieldType)}
            data={TYPES}
            error={errors['type']}
          />
          {type === 'enum' && (
            <TextInput
              label="Allowed values"
              description="Separated by commas"
              value={options}
              onChange={(e) => setOptions(e.currentTarget.value)}
              error={errors['options']}
              w={260}
            />
          )}
          {type === 'string' && (
            <>
              <TextInput
                label="Pattern"
                description="A regular expression values must match"
                value={pattern}
                onChange={(e) => setPattern(e.currentTarget.value)}
                maxLength={200}
                error={errors['pattern']}
              />
              <TextInput
                label="Longest value"
                type="number"
                min={1}
                max={10000}
                value={maxLength}
                onChange={(e) => setMaxLength(e.currentTarget.value)}
                error={errors['maxLength']}
                w={140}
              />
            </>
          )}
        </Group>
        <Group>
          <Checkbox
            label="Required on every contact"
            checked={required}
            onChange={(e) => setRequired(e.currentTarget.checked)}
          />
          <Button type="submit" loading={create.isPending}>
            Define field
          </Button>
        </Group>
        {create.error && (errors['_form'] || !Object.keys(errors).length) && (
          <ErrorNotice error={create.error} title="No field defined" />
        )}
        {create.isSuccess && (
          <Text role="status" size="sm">
            Field “{create.data.label}” defined.
          </Text>
        )}
      </Stack>
    </form>
  );
}
