/** What a column holds: how the table shows it and how the CSV writes it. */
export type ColumnKind = 'text' | 'count' | 'money' | 'ratio' | 'decimal' | 'days' | 'duration';

export interface Column {
  label: string;
  kind: ColumnKind;
}

export type Cell = string | number | null;

/** One chart's numbers: the table under it and its CSV are both made from this. */
export interface Figures {
  columns: Column[];
  /** The first cell of each row names it (a row header). */
  rows: Cell[][];
}

/** The reporting currency: analytics sums amounts as they are and assumes one. */
export const REPORT_CURRENCY = 'EUR';

const money = (minor: number) => {
  try {
    return new Intl.NumberFormat('en', { style: 'currency', currency: REPORT_CURRENCY }).format(minor / 100);
  } catch {
    return `${(minor / 100).toFixed(2)} ${REPORT_CURRENCY}`;
  }
};

/** Seconds as a person reads them: 45 s, 12 min, 3.5 h, 2.1 d. */
export function duration(seconds: number): string {
  if (seconds < 60) return `${Math.round(seconds)} s`;
  if (seconds < 3600) return `${Math.round(seconds / 60)} min`;
  if (seconds < 86_400) return `${(seconds / 3600).toFixed(1)} h`;
  return `${(seconds / 86_400).toFixed(1)} d`;
}

/** A cell as the table shows it (English number formats, so what a test reads does not depend on the machine). */
export function formatCell(value: Cell, kind: ColumnKind): string {
  if (value === null || value === '') return '—';
  if (typeof value === 'string') return value;
  switch (kind) {
    case 'money':
      return money(value);
    case 'ratio':
      return `${(value * 100).toFixed(1)} %`;
    case 'decimal':
      return value.toFixed(2);
    case 'days':
      return value.toFixed(1);
    case 'duration':
      return duration(value);
    case 'count':
      return value.toLocaleString('en');
    default:
      return String(value);
  }
}

/** A cell as the CSV writes it: plain numbers (money in major units, ratios as fractions), empty for none. */
export function csvValue(value: Cell, kind: ColumnKind): string {
  if (value === null) return '';
  if (typeof value === 'string') return value;
  if (kind === 'money') return (value / 100).toFixed(2);
  if (kind === 'ratio') return String(Math.round(value * 10_000) / 10_000);
  if (kind === 'decimal' || kind === 'days') return String(Math.round(value * 100) / 100);
  if (kind === 'duration') return String(Math.round(value));
  return String(value);
}

/**
 * A field as RFC 4180 has it (quoted when it holds a comma, quote or line break). Text that a
 * spreadsheet would run as a formula (=, +, -, @, tab, CR first) is prefixed with a quote mark.
 */
export function csvField(text: string, isText: boolean): string {
  const safe = isText && /^[=+\-@\t\r]/.test(text) ? `'${text}` : text;
  return /[",\r\n]/.test(safe) ? `"${safe.replace(/"/g, '""')}"` : safe;
}

/** The CSV of a chart's figures, headers first; the column's unit goes in its header. */
export function toCsv(figures: Figures): string {
  const header = figures.columns.map((c) =>
    csvField(
      c.kind === 'money' ? `${c.label} (${REPORT_CURRENCY})` : c.kind === 'duration' ? `${c.label} (s)` : c.label,
      true,
    ),
  );
  const lines = figures.rows.map((row) =>
    row.map((v, i) => csvField(csvValue(v, figures.columns[i].kind), typeof v === 'string')).join(','),
  );
  return `${[header.join(','), ...lines].join('\r\n')}\r\n`;
}

/** The filters every report takes (the API's ReportFiltersDto), read from the address. */
export interface ReportFilters {
  from?: string;
  to?: string;
  country?: string;
  channel?: string;
  segment?: RfmSegment;
}

export type RfmSegment = (typeof RFM_SEGMENTS)[number][0];

export const RFM_SEGMENTS = [
  ['champions', 'Champions'],
  ['loyal', 'Loyal'],
  ['potential_loyalist', 'Potential loyalist'],
  ['new', 'New'],
  ['promising', 'Promising'],
  ['need_attention', 'Need attention'],
  ['about_to_sleep', 'About to sleep'],
  ['cannot_lose', 'Cannot lose'],
  ['at_risk', 'At risk'],
  ['hibernating', 'Hibernating'],
] as const;

const DATE = /^\d{4}-\d{2}-\d{2}$/;

/** Only values the API would take: a bad one in the address is left out rather than refused on every chart. */
export function reportFilters(search: string): ReportFilters {
  const p = new URLSearchParams(search);
  const out: ReportFilters = {};
  const from = p.get('from') ?? '';
  const to = p.get('to') ?? '';
  if (DATE.test(from)) out.from = from;
  if (DATE.test(to)) out.to = to;
  const country = (p.get('country') ?? '').trim().toUpperCase();
  if (/^[A-Z]{2}$/.test(country)) out.country = country;
  const channel = (p.get('channel') ?? '').trim();
  if (channel && channel.length <= 64) out.channel = channel;
  const segment = RFM_SEGMENTS.find(([k]) => k === p.get('segment'));
  if (segment) out.segment = segment[0];
  return out;
}

/** One option of a chart from the address, when it is one of the allowed values. */
export function pick<T extends string>(search: string, name: string, allowed: readonly T[], fallback: T): T {
  const v = new URLSearchParams(search).get(name);
  return allowed.find((a) => a === v) ?? fallback;
}

/** A whole number option of a chart from the address, within the API's bounds. */
export function wholeNumber(search: string, name: string, min: number, max: number, fallback: number): number {
  const v = Number(new URLSearchParams(search).get(name));
  return Number.isInteger(v) && v >= min && v <= max ? v : fallback;
}

/** A bar's length as a share of the longest one (0-100 %), never negative. */
export function barPercent(value: number | null, widest: number): number {
  if (value === null || widest <= 0) return 0;
  return Math.max(0, Math.min(100, Math.round((value / widest) * 1000) / 10));
}

/** A heatmap cell's shade, 0 (none) to 10 (all). */
export function shade(ratio: number | null): number {
  return ratio === null ? 0 : Math.max(0, Math.min(10, Math.round(ratio * 10)));
}
