/** The delimiter of a header line: the most frequent of `,` `;` and tab outside quotes. */
export function sniffDelimiter(line: string): string {
  const outside = line.replace(/"[^"]*"/g, '');
  const counts = [',', ';', '\t'].map((d) => [d, outside.split(d).length - 1] as const);
  return counts.sort((a, b) => b[1] - a[1])[0][1] > 0 ? counts[0][0] : ',';
}

/** A cell of a CSV this suite writes (an error report): quoted when it holds a comma, quote or line break. */
export function csvCell(v: string | number): string {
  const s = String(v);
  return /[",\r\n]/.test(s) ? `"${s.replace(/"/g, '""')}"` : s;
}

/**
 * A cell of an export someone opens in a spreadsheet: as csvCell, and a cell
 * a spreadsheet would run as a formula (= + - @ at the start, other than a
 * phone number or a number) is prefixed with a quote.
 */
export function spreadsheetCell(s: string): string {
  const safe = /^[=+\-@\t\r]/.test(s) && !/^[+-]?\d[\d.]*$/.test(s) ? `'${s}` : s;
  return /[",\r\n]/.test(safe) ? `"${safe.replace(/"/g, '""')}"` : safe;
}

/** One value in COPY's text format: NULL as \N; backslash, tab, newline and CR escaped. */
export function copyText(value: string | number | null | undefined): string {
  if (value === null || value === undefined) return '\\N';
  if (typeof value === 'number') return String(value);
  if (!/[\\\t\n\r]/.test(value)) return value;
  return value.replace(/[\\\t\n\r]/g, (c) => (c === '\\' ? '\\\\' : c === '\t' ? '\\t' : c === '\n' ? '\\n' : '\\r'));
}

/** A text[] literal ({"a","b"}), before COPY's escaping. */
export function arrayLiteral(items: string[]): string {
  return `{${items.map((t) => `"${t.replace(/[\\"]/g, '\\$&')}"`).join(',')}}`;
}
