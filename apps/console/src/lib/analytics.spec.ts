import { describe, expect, it } from 'vitest';
import { barPercent, csvField, formatCell, pick, reportFilters, shade, toCsv, wholeNumber } from './analytics';
import { framesBlobs, looksLikePdf } from './page-policy';

describe("a chart's numbers as CSV", () => {
  const figures = {
    columns: [
      { label: 'Segment', kind: 'text' as const },
      { label: 'Customers', kind: 'count' as const },
      { label: 'Share', kind: 'ratio' as const },
      { label: 'Monetary', kind: 'money' as const },
      { label: 'Median time', kind: 'duration' as const },
    ],
    rows: [
      ['Champions', 1200, 0.123456, 1234567, 3600.4],
      ['Nobody, yet', 0, 0, 0, null],
    ],
  };
  it('writes plain numbers: money in major units with its currency in the header, ratios as fractions', () => {
    expect(toCsv(figures)).toBe(
      'Segment,Customers,Share,Monetary (EUR),Median time (s)\r\n' +
        'Champions,1200,0.1235,12345.67,3600\r\n' +
        '"Nobody, yet",0,0,0.00,\r\n',
    );
  });
  it('quotes quotes and defuses text a spreadsheet would run as a formula, but not negative numbers', () => {
    expect(csvField('say "hi"', true)).toBe('"say ""hi"""');
    expect(csvField('=HYPERLINK("x")', true)).toBe(`"'=HYPERLINK(""x"")"`);
    expect(csvField('-12.50', false)).toBe('-12.50');
    expect(toCsv({ columns: [{ label: 'Cost', kind: 'money' }], rows: [[-1250]] })).toBe('Cost (EUR)\r\n-12.50\r\n');
  });
  it('shows the same cells in words for the table', () => {
    expect(formatCell(0.123456, 'ratio')).toBe('12.3 %');
    expect(formatCell(1234567, 'money')).toBe('€12,345.67');
    expect(formatCell(null, 'money')).toBe('—');
    expect(formatCell(5400, 'duration')).toBe('1.5 h');
    expect(formatCell(12345, 'count')).toBe('12,345');
  });
});

describe('the dashboard filters in the address', () => {
  it('keeps only values the API takes', () => {
    expect(reportFilters('?from=2026-01-01&to=2026-13&country=fr&segment=champions&channel=web')).toEqual({
      from: '2026-01-01',
      country: 'FR',
      segment: 'champions',
      channel: 'web',
    });
    expect(reportFilters('?country=FRA&segment=royalty')).toEqual({});
  });
  it('reads a chart option, falling back when it is not one of the choices or out of bounds', () => {
    expect(pick('?by=agent', 'by', ['team', 'agent'] as const, 'team')).toBe('agent');
    expect(pick('?by=planet', 'by', ['team', 'agent'] as const, 'team')).toBe('team');
    expect(wholeNumber('?months=24', 'months', 1, 60, 12)).toBe(24);
    expect(wholeNumber('?months=61', 'months', 1, 60, 12)).toBe(12);
    expect(wholeNumber('?months=2.5', 'months', 1, 60, 12)).toBe(12);
  });
  it('draws bars and shades within their bounds', () => {
    expect(barPercent(50, 200)).toBe(25);
    expect(barPercent(-5, 200)).toBe(0);
    expect(barPercent(5, 0)).toBe(0);
    expect([shade(null), shade(0.04), shade(0.55), shade(1)]).toEqual([0, 0, 6, 10]);
  });
});

describe("the PDF preview and the page's policy", () => {
  const gateway =
    "default-src 'none'; script-src 'self'; style-src 'self'; img-src 'self' data:; frame-ancestors 'none'; object-src 'none'";
  it('frames a blob: only when frame-src (or child-src, or default-src) lets it', () => {
    expect(framesBlobs(gateway)).toBe(false);
    expect(framesBlobs(`${gateway}; frame-src blob:`)).toBe(true);
    expect(framesBlobs("default-src 'self'; child-src blob:")).toBe(true);
    expect(framesBlobs("child-src blob:; frame-src 'none'")).toBe(false);
    expect(framesBlobs(null)).toBe(true);
  });
  it('takes as a PDF only bytes that are one', () => {
    expect(looksLikePdf(new TextEncoder().encode('%PDF-1.4\n%âãÏÓ'))).toBe(true);
    expect(looksLikePdf(new TextEncoder().encode('<html><script>alert(1)</script>'))).toBe(false);
  });
});
