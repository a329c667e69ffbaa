import { Button, Group, Loader, Table, Text, Title } from '@mantine/core';
import type { ReactNode } from 'react';
import { ErrorNotice } from '../../components/ErrorNotice';
import { barPercent, formatCell, toCsv, type Figures } from '../../lib/analytics';

/** Saved by the browser from memory (a blob: address is a download here, not something the page loads). */
function saveCsv(fileName: string, text: string): void {
  const url = URL.createObjectURL(new Blob([text], { type: 'text/csv;charset=utf-8' }));
  const a = document.createElement('a');
  a.href = url;
  a.download = fileName;
  a.click();
  setTimeout(() => URL.revokeObjectURL(url), 10_000);
}

interface Props {
  id: string;
  title: string;
  /** Names the table ("… in numbers") and the CSV file. */
  tableLabel: string;
  fileName: string;
  query: { error: unknown; isPending: boolean; refetch: () => unknown };
  figures: Figures | undefined;
  /** Options of this chart only (the dashboard's filters are above every chart). */
  options?: ReactNode;
  summary?: ReactNode;
  empty?: string;
  children?: ReactNode;
}

/** A chart with its options, its numbers as a table and the same numbers as a CSV download. */
export function ChartSection({
  id,
  title,
  tableLabel,
  fileName,
  query,
  figures,
  options,
  summary,
  empty,
  children,
}: Props) {
  const hasRows = !!figures && figures.rows.length > 0;
  return (
    <section aria-labelledby={`${id}-title`} className="chart-section">
      <Group justify="space-between" align="flex-end">
        <Title order={3} size="h4" id={`${id}-title`}>
          {title}
        </Title>
        {figures && (
          <Button
            size="xs"
            variant="light"
            disabled={!hasRows}
            aria-label={`Download CSV of ${tableLabel}`}
            onClick={() => saveCsv(fileName, toCsv(figures))}
          >
            Download CSV
          </Button>
        )}
      </Group>
      {options && (
        <Group align="flex-end" gap="sm" mb="xs">
          {options}
        </Group>
      )}
      {query.error !== null && query.error !== undefined && (
        <ErrorNotice error={query.error} onRetry={() => void query.refetch()} />
      )}
      {query.isPending && <Loader aria-label={`Loading ${title}`} size="sm" />}
      {summary}
      {figures && !hasRows && <Text size="sm">{empty ?? 'Nothing to show for these filters yet.'}</Text>}
      {hasRows && children}
      {figures && hasRows && <FiguresTable label={tableLabel} figures={figures} />}
    </section>
  );
}

export function FiguresTable({ label, figures }: { label: string; figures: Figures }) {
  return (
    <div className="table-scroll" tabIndex={0} role="group" aria-label={`${label} (scrolls sideways)`}>
      <Table striped aria-label={label}>
        <Table.Thead>
          <Table.Tr>
            {figures.columns.map((c) => (
              <Table.Th scope="col" key={c.label}>
                {c.label}
              </Table.Th>
            ))}
          </Table.Tr>
        </Table.Thead>
        <Table.Tbody>
          {figures.rows.map((row, r) => (
            <Table.Tr key={r}>
              {row.map((v, i) =>
                i === 0 ? (
                  <Table.Th scope="row" key={i}>
                    {formatCell(v, figures.columns[i].kind)}
                  </Table.Th>
                ) : (
                  <Table.Td key={i}>{formatCell(v, figures.columns[i].kind)}</Table.Td>
                ),
              )}
            </Table.Tr>
          ))}
        </Table.Tbody>
      </Table>
    </div>
  );
}

/** Horizontal bars, one row per label, several series side by side; the numbers are in the table below. */
export function BarChart({
  label,
  rows,
  series,
}: {
  label: string;
  rows: { label: string; values: (number | null)[] }[];
  series: { name: string; className: string }[];
}) {
  const widest = Math.max(0, ...rows.flatMap((r) => r.values.map((v) => v ?? 0)));
  return (
    <>
      <figure aria-label={label} className="bar-chart" role="img">
        {rows.map((r, n) => (
          <BarRow key={`${n}-${r.label}`} label={r.label}>
            {r.values.map((v, i) => (
              <span key={i} className={`bar ${series[i].className}`} style={{ width: `${barPercent(v, widest)}%` }} />
            ))}
          </BarRow>
        ))}
      </figure>
      {series.length > 1 && (
        <Text size="xs">
          {series.map((s, i) => (
            <span key={s.name}>
              {i > 0 && ' · '}
              <span className={`legend-swatch ${s.className}`} aria-hidden="true" />
              {s.name}
            </span>
          ))}
        </Text>
      )}
    </>
  );
}

function BarRow({ label, children }: { label: string; children: ReactNode }) {
  return (
    <>
      <Text size="xs">{label}</Text>
      <span className="bar-track">{children}</span>
    </>
  );
}
