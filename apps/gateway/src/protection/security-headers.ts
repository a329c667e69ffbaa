/**
 * Headers set on every gateway response. The API answers JSON only, so its
 * content security policy allows nothing; the docs page only what Swagger UI needs.
 */
const COMMON: Record<string, string> = {
  'x-content-type-options': 'nosniff',
  'x-frame-options': 'DENY',
  'referrer-policy': 'no-referrer',
  'strict-transport-security': 'max-age=31536000; includeSubDomains',
  'cross-origin-opener-policy': 'same-origin',
  'x-dns-prefetch-control': 'off',
  'x-permitted-cross-domain-policies': 'none',
};

const API_CSP = "default-src 'none'; frame-ancestors 'none'";
/** Swagger UI: its script, styles and the document from this origin only; no inline script. */
const DOCS_CSP =
  "default-src 'none'; script-src 'self'; style-src 'self'; img-src 'self' data:; connect-src 'self'; base-uri 'none'; form-action 'none'; frame-ancestors 'none'";

export function securityHeaders(path: string): Record<string, string> {
  return { ...COMMON, 'content-security-policy': path.startsWith('/api/docs') ? DOCS_CSP : API_CSP };
}
