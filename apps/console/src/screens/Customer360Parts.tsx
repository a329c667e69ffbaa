import { Anchor, Card, Group, Table, Text, Title } from '@mantine/core';
import { useQuery } from '@tanstack/react-query';
import type {
  CustomerDocumentsReply,
  MarketingCustomerReply,
  SalesCustomerReply,
  SupportCustomerReply,
} from '@crm/contracts';
import { api, unwrap } from '../api/client';
import { ErrorNotice } from '../components/ErrorNotice';
import { money } from '../lib/board';
import { ApiError } from '../lib/problem';
import { Link } from '../lib/router';

const when = (iso: string | null | undefined) => (iso ? new Date(iso).toLocaleString() : '');
const day = (iso: string | null | undefined) => (iso ? new Date(iso).toLocaleDateString() : '');
const pct = (x: number | null) => (x === null ? '—' : `${(x * 100).toFixed(1)} %`);
const totals = (list: { currency: string; amountMinor: number }[]) =>
  list.length ? list.map((m) => money(m.amountMinor, m.currency)).join(' + ') : 'none';

/** Sales' part: open deals (each a link), the latest orders and the lifetime totals. */
export function SalesPart({ sales }: { sales: SalesCustomerReply }) {
  return (
    <Card withBorder>
      <Title order={3} size="h4">
        Deals and orders
      </Title>
      <Text size="sm">
        {sales.openDealCount} open {sales.openDealCount === 1 ? 'deal' : 'deals'} worth {totals(sales.openPipeline)};{' '}
        {sales.orderCount} {sales.orderCount === 1 ? 'order' : 'orders'}, {totals(sales.lifetimeOrderTotal)} in all
      </Text>
      {sales.openDeals.length > 0 && (
        <Table aria-label="Open deals">
          <Table.Thead>
            <Table.Tr>
              <Table.Th scope="col">Deal</Table.Th>
              <Table.Th scope="col">Stage</Table.Th>
              <Table.Th scope="col">Amount</Table.Th>
              <Table.Th scope="col">Expected close</Table.Th>
            </Table.Tr>
          </Table.Thead>
          <Table.Tbody>
            {sales.openDeals.map((d) => (
              <Table.Tr key={d.id}>
                <Table.Th scope="row">
                  <Anchor component={Link} to={`/sales/deals/${d.id}`}>
                    {d.name}
                  </Anchor>
                </Table.Th>
                <Table.Td>
                  {d.stageName} ({d.probability} %)
                </Table.Td>
                <Table.Td>{money(d.amountMinor, d.currency)}</Table.Td>
                <Table.Td>{d.expectedCloseDate ?? '—'}</Table.Td>
              </Table.Tr>
            ))}
          </Table.Tbody>
        </Table>
      )}
      {sales.recentOrders.length > 0 && (
        <Table aria-label="Recent orders">
          <Table.Thead>
            <Table.Tr>
              <Table.Th scope="col">Order</Table.Th>
              <Table.Th scope="col">Placed</Table.Th>
              <Table.Th scope="col">Channel</Table.Th>
              <Table.Th scope="col">Status</Table.Th>
              <Table.Th scope="col">Total</Table.Th>
            </Table.Tr>
          </Table.Thead>
          <Table.Tbody>
            {sales.recentOrders.map((o) => (
              <Table.Tr key={o.id}>
                <Table.Th scope="row">{o.number ?? o.id.slice(0, 8)}</Table.Th>
                <Table.Td>{day(o.placedAt)}</Table.Td>
                <Table.Td>{o.channel}</Table.Td>
                <Table.Td>{o.status}</Table.Td>
                <Table.Td>{money(o.totalMinor, o.currency)}</Table.Td>
              </Table.Tr>
            ))}
          </Table.Tbody>
        </Table>
      )}
    </Card>
  );
}

/** Support's part: open tickets with their next SLA clock, the person's assets and their last CSAT. */
export function SupportPart({ support }: { support: SupportCustomerReply }) {
  return (
    <Card withBorder>
      <Title order={3} size="h4">
        Tickets and assets
      </Title>
      {!support.openTickets.length && <Text size="sm">No open ticket.</Text>}
      {support.openTickets.length > 0 && (
        <Table aria-label="Open tickets">
          <Table.Thead>
            <Table.Tr>
              <Table.Th scope="col">Ticket</Table.Th>
              <Table.Th scope="col">Status</Table.Th>
              <Table.Th scope="col">Priority</Table.Th>
              <Table.Th scope="col">Next due</Table.Th>
            </Table.Tr>
          </Table.Thead>
          <Table.Tbody>
            {support.openTickets.map((t) => (
              <Table.Tr key={t.id}>
                <Table.Th scope="row">
                  <Anchor component={Link} to={`/support/tickets/${t.id}`}>
                    #{t.number} {t.subject}
                  </Anchor>
                </Table.Th>
                <Table.Td>{t.status}</Table.Td>
                <Table.Td>{t.priority}</Table.Td>
                <Table.Td>
                  {t.nextDue ? `${t.nextDue.target.replace('_', ' ')} ${when(t.nextDue.dueAt)}` : '—'}
                </Table.Td>
              </Table.Tr>
            ))}
          </Table.Tbody>
        </Table>
      )}
      {support.assets.length > 0 && (
        <Table aria-label="Assets">
          <Table.Thead>
            <Table.Tr>
              <Table.Th scope="col">Model</Table.Th>
              <Table.Th scope="col">Serial</Table.Th>
              <Table.Th scope="col">Bought</Table.Th>
              <Table.Th scope="col">Warranty until</Table.Th>
              <Table.Th scope="col">Tickets</Table.Th>
            </Table.Tr>
          </Table.Thead>
          <Table.Tbody>
            {support.assets.map((a) => (
              <Table.Tr key={a.id}>
                <Table.Th scope="row">
                  {a.model}
                  {a.status === 'retired' ? ' (retired)' : ''}
                </Table.Th>
                <Table.Td>{a.serialNumber ?? '—'}</Table.Td>
                <Table.Td>{day(a.boughtAt)}</Table.Td>
                <Table.Td>{a.warrantyEndsAt ? day(a.warrantyEndsAt) : 'none'}</Table.Td>
                <Table.Td>{a.tickets}</Table.Td>
              </Table.Tr>
            ))}
          </Table.Tbody>
        </Table>
      )}
      {support.lastCsat && (
        <Text size="sm">
          Last CSAT: {support.lastCsat.score} of 5 on {day(support.lastCsat.answeredAt)}
          {support.lastCsat.comment ? ` (“${support.lastCsat.comment}”)` : ''}
        </Text>
      )}
    </Card>
  );
}

/** Documents' part: the latest documents linked to the person. */
export function DocumentsPart({ contactId, documents }: { contactId: string; documents: CustomerDocumentsReply }) {
  return (
    <Card withBorder>
      <Group justify="space-between">
        <Title order={3} size="h4">
          Documents
        </Title>
        <Anchor component={Link} to={`/documents?recordKind=contact&recordId=${contactId}`} size="sm">
          All {documents.total} documents
        </Anchor>
      </Group>
      {!documents.items.length ? (
        <Text size="sm">No document yet.</Text>
      ) : (
        <ul aria-label="Latest documents">
          {documents.items.map((d) => (
            <li key={d.id}>
              <Text size="sm">
                <Anchor component={Link} to={`/documents/${d.id}`}>
                  {d.title}
                </Anchor>{' '}
                · {d.type} · {day(d.updatedAt)}
              </Text>
            </li>
          ))}
        </ul>
      )}
    </Card>
  );
}

/** Analytics' scores of the person: RFM segment and scores, CLV, P(alive) and churn risk. */
export function ScoresPart({ contactId }: { contactId: string }) {
  const scores = useQuery({
    queryKey: ['customer-scores', contactId],
    queryFn: ({ signal }) =>
      unwrap(api.GET('/api/v1/analytics/customers/{id}/scores', { params: { path: { id: contactId } }, signal })),
    retry: (n, e) => n < 2 && !(e instanceof ApiError && !e.retryable),
  });
  const noOrders = scores.error instanceof ApiError && scores.error.status === 404;
  const s = scores.data;
  return (
    <Card withBorder>
      <Title order={3} size="h4">
        Value
      </Title>
      {noOrders && <Text size="sm">No purchase yet, so no RFM score or CLV.</Text>}
      {scores.error && !noOrders && <ErrorNotice error={scores.error} onRetry={() => void scores.refetch()} />}
      {s && (
        <dl aria-label="Value scores" className="facts">
          <dt>RFM segment</dt>
          <dd>
            {s.segment.replace(/_/g, ' ')} (R {s.r} · F {s.f} · M {s.m})
          </dd>
          <dt>CLV</dt>
          <dd>{s.clvMinor === null ? '—' : money(s.clvMinor, 'EUR')}</dd>
          <dt>P(alive)</dt>
          <dd>{pct(s.pAlive)}</dd>
          <dt>Churn risk</dt>
          <dd>{pct(s.churnRisk)}</dd>
          <dt>Orders, spend</dt>
          <dd>
            {s.frequency}, {money(s.monetaryMinor, 'EUR')}; last {s.recencyDays} days before {s.calibrationEnd}
          </dd>
        </dl>
      )}
    </Card>
  );
}

/** A share's status (marketing's partner_shares): a file not downloaded yet is `ready`. */
const SHARE_STATUS: Record<string, string> = {
  sending: 'being sent',
  delivered: 'delivered',
  ready: 'file made, not downloaded yet',
  refused: 'refused',
  failed: 'failed',
  counted: 'counted only (nothing sent)',
};

/** Which partner businesses got this person's data, which fields, and the deletion notice sent for each share. */
export function PartnerSharing({ shares }: { shares: MarketingCustomerReply['partnerSharing'] }) {
  return (
    <Card withBorder>
      <Title order={3} size="h4">
        Shared with partners
      </Title>
      {shares === undefined ? (
        <Text size="sm">Marketing did not say where this person&apos;s data was shared (an older version).</Text>
      ) : !shares.length ? (
        <Text size="sm">Not shared with any partner.</Text>
      ) : (
        <Table aria-label="Data shared with partners">
          <Table.Thead>
            <Table.Tr>
              <Table.Th scope="col">Partner</Table.Th>
              <Table.Th scope="col">Fields</Table.Th>
              <Table.Th scope="col">Shared</Table.Th>
              <Table.Th scope="col">Until</Table.Th>
              <Table.Th scope="col">Status</Table.Th>
              <Table.Th scope="col">Deletion notice</Table.Th>
            </Table.Tr>
          </Table.Thead>
          <Table.Tbody>
            {shares.map((s) => (
              <Table.Tr key={s.shareId}>
                <Table.Th scope="row">{s.partnerName}</Table.Th>
                <Table.Td>{s.fields.join(', ')}</Table.Td>
                <Table.Td>{when(s.sharedAt)}</Table.Td>
                <Table.Td>{s.expiresAt ? when(s.expiresAt) : 'no end date'}</Table.Td>
                <Table.Td>{SHARE_STATUS[s.status] ?? s.status}</Table.Td>
                <Table.Td>
                  {s.deletionNotice
                    ? `${s.deletionNotice.status}${s.deletionNotice.reason ? ` (${s.deletionNotice.reason})` : ''}${
                        s.deletionNotice.deliveredAt ? `, delivered ${when(s.deletionNotice.deliveredAt)}` : ''
                      }`
                    : 'none sent'}
                </Table.Td>
              </Table.Tr>
            ))}
          </Table.Tbody>
        </Table>
      )}
    </Card>
  );
}
