/** The directives of a Content-Security-Policy header, by name (lower case), each with its sources. */
export function parsePolicy(header: string | null): Map<string, string[]> {
  const out = new Map<string, string[]>();
  for (const part of (header ?? '').split(';')) {
    const [name, ...sources] = part.trim().split(/\s+/);
    if (name && !out.has(name.toLowerCase())) out.set(name.toLowerCase(), sources);
  }
  return out;
}

/**
 * Whether a page under this policy may frame a blob: address it made itself (a PDF preview):
 * frame-src, else child-src, else default-src decides, as browsers do. No policy allows it.
 */
export function framesBlobs(header: string | null): boolean {
  if (header === null) return true;
  const policy = parsePolicy(header);
  const sources = policy.get('frame-src') ?? policy.get('child-src') ?? policy.get('default-src');
  if (!sources) return true;
  return sources.some((s) => s.toLowerCase() === 'blob:');
}

/** A PDF file starts with `%PDF-` (within its first 1024 bytes, as readers accept it). */
export function looksLikePdf(head: Uint8Array): boolean {
  const text = new TextDecoder('latin1').decode(head.subarray(0, 1024));
  return text.includes('%PDF-');
}
