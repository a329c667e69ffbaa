import { Alert, Button, Group, Text } from '@mantine/core';
import { ApiError, describeError } from '../lib/problem';

/** A problem in words, its code and request id for support, and a retry when the error is one that passes. */
export function ErrorNotice({ error, onRetry, title }: { error: unknown; onRetry?: () => void; title?: string }) {
  const problem = error instanceof ApiError ? error.problem : undefined;
  const retry = onRetry && (!(error instanceof ApiError) || error.retryable);
  return (
    <Alert color="red" title={title ?? 'Something went wrong'} role="alert">
      <Text size="sm">{describeError(error)}</Text>
      {problem?.code && (
        <Text size="xs" c="gray.7">
          {problem.code}
          {problem.requestId ? ` · request ${problem.requestId}` : ''}
        </Text>
      )}
      {retry && (
        <Group mt="xs">
          <Button size="xs" variant="light" onClick={onRetry}>
            Retry
          </Button>
        </Group>
      )}
    </Alert>
  );
}
