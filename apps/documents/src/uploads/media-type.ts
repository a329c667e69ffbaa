import { fromBuffer } from 'file-type';

/** Bytes of the start of a file read before anything is stored, enough for the sniffers (OOXML needs its zip entries). */
export const SNIFF_BYTES = 64 * 1024;

/** Whether the bytes are UTF-8 text (a multi-byte character cut at the end of the sample is allowed). */
function isUtf8Text(head: Buffer, complete: boolean): boolean {
  if (head.includes(0)) return false;
  let sample = head;
  if (!complete) {
    // Drop a trailing partial character: at most 3 continuation bytes after a lead byte.
    let cut = head.length;
    for (let i = 1; i <= 3 && cut - i >= 0; i++) {
      const b = head[cut - i];
      if ((b & 0xc0) === 0x80) continue;
      if (b >= 0xc0) cut -= i;
      break;
    }
    sample = head.subarray(0, cut);
  }
  try {
    new TextDecoder('utf-8', { fatal: true }).decode(sample);
  } catch {
    return false;
  }
  // Control characters other than tab, newline, form feed and carriage return mean binary.
  for (const b of sample) if (b < 0x20 && b !== 9 && b !== 10 && b !== 12 && b !== 13) return false;
  return true;
}

const HTML = /^\s*(<!--[\s\S]*?-->\s*)*(<!doctype\s+html|<html[\s>]|<head[\s>]|<body[\s>])/i;
const HEADER_LINE = /^[!-9;-~]+:[ \t]/;
const MAIL_HEADERS = /^(from|to|subject|date|message-id|received|mime-version|return-path|delivered-to):/im;

function textKind(text: string, declared: string | undefined, fileName: string): string {
  if (HTML.test(text)) return 'text/html';
  const firstLine = text.split(/\r?\n/, 1)[0] ?? '';
  const headerBlock = text.split(/\r?\n\r?\n/, 1)[0] ?? '';
  if (HEADER_LINE.test(firstLine) && MAIL_HEADERS.test(headerBlock) && /^from:/im.test(headerBlock)) {
    return 'message/rfc822';
  }
  const lower = fileName.toLowerCase();
  if (declared === 'text/csv' || lower.endsWith('.csv')) return 'text/csv';
  if (declared === 'text/markdown' || lower.endsWith('.md')) return 'text/markdown';
  return 'text/plain';
}

/**
 * The media type of a file from its first bytes, never from what the client
 * says: binary formats by their signatures (file-type), text by being valid
 * UTF-8, then HTML and e-mail by their shape. The client's type only tells
 * text kinds apart that look alike (CSV, Markdown). Unknown binary is
 * application/octet-stream.
 */
export async function sniffMediaType(
  head: Buffer,
  complete: boolean,
  declared: string | undefined,
  fileName: string,
): Promise<string> {
  if (head.length === 0) return 'application/octet-stream';
  const found = await fromBuffer(head);
  if (found) return found.mime;
  if (isUtf8Text(head, complete)) return textKind(head.toString('utf8'), declared, fileName);
  return 'application/octet-stream';
}
