import { pdfWithText, windowsExecutable, docxWithText, eml } from '../testing/fixtures';
import { sniffMediaType } from './media-type';

const sniff = (bytes: Buffer | string, declared?: string, name = 'f') =>
  sniffMediaType(Buffer.from(bytes), true, declared, name);

describe('media type from the content', () => {
  it('knows binary formats by their signature, whatever the client says', async () => {
    expect(await sniff(pdfWithText('x'), 'text/plain')).toBe('application/pdf');
    expect(await sniff(windowsExecutable(), 'application/pdf', 'invoice.pdf')).toBe('application/x-msdownload');
    expect(await sniff(await docxWithText('hello'))).toBe(
      'application/vnd.openxmlformats-officedocument.wordprocessingml.document',
    );
  });

  it('tells text kinds apart by shape: HTML, e-mail, then CSV or Markdown by the hint, else plain text', async () => {
    expect(await sniff('<!DOCTYPE html><html><body>x</body></html>', 'text/plain')).toBe('text/html');
    expect(await sniff(eml('Hi', 'body'))).toBe('message/rfc822');
    expect(await sniff('a,b\n1,2\n', 'text/csv')).toBe('text/csv');
    expect(await sniff('# Title\n', undefined, 'notes.md')).toBe('text/markdown');
    expect(await sniff('Grüße aus Köln\n')).toBe('text/plain');
  });

  it('calls bytes that are neither a known format nor UTF-8 text application/octet-stream', async () => {
    expect(await sniff(Buffer.from([0x00, 0x01, 0x02, 0x03, 0xfa, 0xfb]))).toBe('application/octet-stream');
    expect(await sniff(Buffer.from([0xc3, 0x28, 0x41]))).toBe('application/octet-stream');
    expect(await sniff('')).toBe('application/octet-stream');
  });

  it('allows a multi-byte character cut at the end of a partial sample', async () => {
    const text = Buffer.from('é'.repeat(10));
    expect(await sniffMediaType(text.subarray(0, 19), false, undefined, 'f')).toBe('text/plain');
  });
});
