import { Badge, Button, Group, Loader, NativeSelect, Stack, Table, Text, Title } from '@mantine/core';
import { useInfiniteQuery, useQuery } from '@tanstack/react-query';
import { api, unwrap } from '../../api/client';
import { ErrorNotice } from '../../components/ErrorNotice';
import { npsShares } from '../../lib/admin';
import { Link, navigate, useLocation } from '../../lib/router';
import { MarketingNav } from './MarketingNav';

/** Marketing's surveys (marketing:read), newest pages on "Load more"; a survey's NPS, for everyone asked or a segment. */
export function SurveysPage({ id }: { id?: string }) {
  const surveys = useInfiniteQuery({
    queryKey: ['surveys'],
    queryFn: ({ pageParam, signal }) =>
      unwrap(
        api.GET('/api/v1/surveys', {
          params: { query: { limit: 50, ...(pageParam ? { cursor: pageParam } : {}) } },
          signal,
        }),
      ),
    initialPageParam: '',
    getNextPageParam: (last) => last.nextCursor ?? undefined,
  });
  const rows = surveys.data?.pages.flatMap((p) => p.items) ?? [];
  return (
    <Stack>
      <MarketingNav />
      <Title order={2}>Surveys</Title>
      {id && <SurveyNps id={id} />}
      {surveys.error && <ErrorNotice error={surveys.error} onRetry={() => void surveys.refetch()} />}
      {surveys.isPending && <Loader aria-label="Loading the surveys" />}
      {surveys.data && !rows.length && <Text role="status">No surveys yet.</Text>}
      {rows.length > 0 && (
        <Table striped aria-label="Surveys">
          <Table.Thead>
            <Table.Tr>
              <Table.Th scope="col">Survey</Table.Th>
              <Table.Th scope="col">Questions</Table.Th>
              <Table.Th scope="col">Created</Table.Th>
            </Table.Tr>
          </Table.Thead>
          <Table.Tbody>
            {rows.map((s) => (
              <Table.Tr key={s.id}>
                <Table.Th scope="row">
                  <Link to={`/marketing/surveys/${s.id}`} aria-current={s.id === id ? 'page' : undefined}>
                    {s.name}
                  </Link>
                </Table.Th>
                <Table.Td>
                  <Group gap={4}>
                    {s.questions.map((q) => (
                      <Badge key={q.id} variant="outline" color="dark" title={q.text}>
                        {q.kind}
                      </Badge>
                    ))}
                  </Group>
                </Table.Td>
                <Table.Td>{new Date(s.createdAt).toLocaleDateString()}</Table.Td>
              </Table.Tr>
            ))}
          </Table.Tbody>
        </Table>
      )}
      {surveys.hasNextPage && (
        <Group>
          <Button variant="light" onClick={() => void surveys.fetchNextPage()} loading={surveys.isFetchingNextPage}>
            Load more
          </Button>
        </Group>
      )}
    </Stack>
  );
}

function SurveyNps({ id }: { id: string }) {
  const { search } = useLocation();
  const segmentId = new URLSearchParams(search).get('segment') ?? '';
  const survey = useQuery({
    queryKey: ['survey', id],
    queryFn: ({ signal }) => unwrap(api.GET('/api/v1/surveys/{id}', { params: { path: { id } }, signal })),
  });
  const segments = useQuery({
    queryKey: ['segments', 'names'],
    queryFn: ({ signal }) => unwrap(api.GET('/api/v1/segments', { params: { query: { limit: 200 } }, signal })),
  });
  const nps = useQuery({
    queryKey: ['survey-nps', id, segmentId],
    queryFn: ({ signal }) =>
      unwrap(
        api.GET('/api/v1/surveys/{id}/nps', {
          params: { path: { id }, query: segmentId ? { segmentId } : {} },
          signal,
        }),
      ),
  });
  const hasNps = survey.data?.questions.some((q) => q.kind === 'nps');
  const n = nps.data;
  const shares = n ? npsShares(n) : undefined;
  return (
    <Stack gap="xs" component="section" aria-label="Net promoter score">
      {survey.error && <ErrorNotice error={survey.error} onRetry={() => void survey.refetch()} />}
      {survey.data && (
        <Title order={3} size="h4">
          {survey.data.name}: net promoter score
        </Title>
      )}
      <NativeSelect
        label="Who"
        value={segmentId}
        onChange={(e) =>
          navigate(
            `/marketing/surveys/${id}${e.currentTarget.value ? `?segment=${encodeURIComponent(e.currentTarget.value)}` : ''}`,
            true,
          )
        }
        data={[
          { value: '', label: 'Everyone who answered' },
          ...(segments.data?.items ?? []).map((s) => ({ value: s.id, label: `Segment ${s.name}` })),
        ]}
        w={320}
      />
      {survey.data && !hasNps && <Text size="sm">This survey asks no NPS question.</Text>}
      {nps.error && <ErrorNotice error={nps.error} onRetry={() => void nps.refetch()} />}
      {nps.isPending && <Loader aria-label="Loading the NPS" />}
      {n && shares && (
        <>
          <Text size="xl" fw={700} role="status" aria-label="NPS">
            {n.nps === null ? 'No answers yet' : `NPS ${n.nps > 0 ? '+' : ''}${n.nps}`}
          </Text>
          <Text size="sm">
            {n.responses} {n.responses === 1 ? 'answer' : 'answers'}
          </Text>
          {n.responses > 0 && (
            <figure aria-label="Promoters, passives and detractors" className="bar-chart" role="img">
              {(['promoters', 'passives', 'detractors'] as const).map((k) => (
                <NpsBar key={k} label={k} className={`bar bar-${k}`} share={shares[k]} />
              ))}
            </figure>
          )}
          <Table striped aria-label="NPS in numbers" w="auto">
            <Table.Thead>
              <Table.Tr>
                <Table.Th scope="col">Group</Table.Th>
                <Table.Th scope="col">Answers</Table.Th>
                <Table.Th scope="col">Share</Table.Th>
              </Table.Tr>
            </Table.Thead>
            <Table.Tbody>
              <Table.Tr>
                <Table.Th scope="row">Promoters (9-10)</Table.Th>
                <Table.Td>{n.promoters}</Table.Td>
                <Table.Td>{shares.promoters} %</Table.Td>
              </Table.Tr>
              <Table.Tr>
                <Table.Th scope="row">Passives (7-8)</Table.Th>
                <Table.Td>{n.passives}</Table.Td>
                <Table.Td>{shares.passives} %</Table.Td>
              </Table.Tr>
              <Table.Tr>
                <Table.Th scope="row">Detractors (0-6)</Table.Th>
                <Table.Td>{n.detractors}</Table.Td>
                <Table.Td>{shares.detractors} %</Table.Td>
              </Table.Tr>
            </Table.Tbody>
          </Table>
        </>
      )}
    </Stack>
  );
}

function NpsBar({ label, className, share }: { label: string; className: string; share: number }) {
  return (
    <>
      <Text size="xs">{label}</Text>
      <span className="bar-track">
        <span className={className} style={{ width: `${share}%` }} />
      </span>
    </>
  );
}
