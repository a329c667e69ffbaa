import { Alert, Button, Group, List, Modal, Progress, Stack, Text, TextInput, Textarea } from '@mantine/core';
import { useMutation, useQuery, useQueryClient } from '@tanstack/react-query';
import { useState } from 'react';
import { api, unwrap } from '../api/client';
import { ErrorNotice } from '../components/ErrorNotice';
import { erasureProgress } from '../lib/erasure';
import { ApiError } from '../lib/problem';

/** Erase (admin): typed confirmation, then the receipt's progress as each service confirms its part. */
export function EraseContact({ id, name, erased }: { id: string; name: string; erased: boolean }) {
  const client = useQueryClient();
  const [open, setOpen] = useState(false);
  const [typed, setTyped] = useState('');
  const [reason, setReason] = useState('');
  const erase = useMutation({
    mutationFn: () =>
      unwrap(
        api.POST('/api/v1/contacts/{id}/erasure', {
          params: { path: { id } },
          body: reason.trim() ? { reason: reason.trim() } : {},
        }),
      ),
    onSuccess: () => {
      void client.invalidateQueries({ queryKey: ['customer', id] });
      void client.invalidateQueries({ queryKey: ['contacts'] });
    },
  });
  const started = erase.isSuccess || erased;
  const status = useQuery({
    queryKey: ['erasure', id],
    enabled: open && started,
    queryFn: () => unwrap(api.GET('/api/v1/contacts/{id}/erasure', { params: { path: { id } } })),
    refetchInterval: (q) => (q.state.data?.complete ? false : 1000),
    retry: (n, e) => n < 3 && !(e instanceof ApiError && e.status === 404),
  });
  const receipt = status.data;
  const progress = receipt ? erasureProgress(receipt.participants, receipt.complete) : 0;
  return (
    <>
      <Button color="red" variant="light" onClick={() => setOpen(true)}>
        {erased ? 'Erasure receipt' : 'Erase…'}
      </Button>
      {/* No scroll lock (it injects a <style> element the CSP refuses) and no fade (the check reads the final colours). */}
      <Modal
        opened={open}
        onClose={() => setOpen(false)}
        title={started ? 'Erasure receipt' : `Erase ${name}?`}
        lockScroll={false}
        transitionProps={{ duration: 0 }}
        closeButtonProps={{ 'aria-label': 'Close' }}
      >
        {!started && (
          <Stack>
            <Alert color="red">
              Every service anonymises this person's data; it cannot be undone. Non-personal facts (counts, totals) are
              kept.
            </Alert>
            <TextInput
              label={`Type the name to confirm: ${name}`}
              value={typed}
              onChange={(e) => setTyped(e.currentTarget.value)}
              autoComplete="off"
            />
            <Textarea
              label="Reason (kept with the request)"
              value={reason}
              onChange={(e) => setReason(e.currentTarget.value)}
              maxLength={500}
            />
            {erase.error && <ErrorNotice error={erase.error} />}
            <Group justify="end">
              <Button variant="default" onClick={() => setOpen(false)}>
                Cancel
              </Button>
              <Button
                color="red"
                disabled={typed.trim() !== name.trim()}
                loading={erase.isPending}
                onClick={() => erase.mutate()}
              >
                Erase
              </Button>
            </Group>
          </Stack>
        )}
        {started && (
          <Stack>
            <Progress value={progress} aria-label="Erasure progress" color={receipt?.complete ? 'green' : 'blue'} />
            <Text role="status" aria-live="polite">
              {receipt
                ? receipt.complete
                  ? 'Erased everywhere.'
                  : `${progress}% confirmed; waiting for the services…`
                : 'Asking for the receipt…'}
            </Text>
            {receipt && (
              <List size="sm" aria-label="Services">
                {receipt.participants.map((p) => (
                  <List.Item key={p.service}>
                    {p.service}: {p.status === 'completed' ? 'done' : `${p.confirmed} of ${p.records} confirmed`}
                  </List.Item>
                ))}
              </List>
            )}
            {status.error && <ErrorNotice error={status.error} onRetry={() => void status.refetch()} />}
          </Stack>
        )}
      </Modal>
    </>
  );
}
