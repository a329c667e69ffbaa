import { convert } from 'html-to-text';
import { simpleParser } from 'mailparser';
import mammoth from 'mammoth';
import { pdfText } from './pdf-text';

const DOCX = 'application/vnd.openxmlformats-officedocument.wordprocessingml.document';

export class NoTextError extends Error {
  constructor(mediaType: string) {
    super(`${mediaType} files carry no text to extract`);
    this.name = 'NoTextError';
  }
}

function htmlText(html: string): string {
  return convert(html, { wordwrap: false, selectors: [{ selector: 'img', format: 'skip' }] });
}

/**
 * The text of a file, by its (sniffed) media type: PDF (pdf.js through
 * unpdf), DOCX (mammoth), HTML (html-to-text), e-mail (mailparser: subject,
 * then the text part or the HTML part as text) and plain text kinds.
 * Types with no text (images, spreadsheets for now) throw NoTextError.
 */
export async function extractText(mediaType: string, bytes: Buffer, timeoutMs: number): Promise<string> {
  switch (mediaType) {
    case 'application/pdf':
      return pdfText(bytes, timeoutMs);
    case DOCX:
      return (await mammoth.extractRawText({ buffer: bytes })).value;
    case 'text/html':
      return htmlText(bytes.toString('utf8'));
    case 'message/rfc822': {
      const mail = await simpleParser(bytes, { skipImageLinks: true, skipTextToHtml: true });
      const body = mail.text ?? (typeof mail.html === 'string' ? htmlText(mail.html) : '');
      return [mail.subject ?? '', body].filter(Boolean).join('\n\n');
    }
    case 'text/plain':
    case 'text/csv':
    case 'text/markdown':
      return bytes.toString('utf8');
    default:
      throw new NoTextError(mediaType);
  }
}
