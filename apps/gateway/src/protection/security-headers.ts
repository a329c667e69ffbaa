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

/**
 * Response fields only the gateway decides: a service's own HSTS, CSP, framing
 * or CORS answer never reaches the client (CORS is answered for the gateway's
 * origins, in cors.ts). Anything `access-control-*` counts too.
 */
export const GATEWAY_OWNED_HEADERS: ReadonlySet<string> = new Set([
  ...Object.keys(COMMON),
  'content-security-policy',
  'content-security-policy-report-only',
]);

export function isGatewayOwnedHeader(name: string): boolean {
  return GATEWAY_OWNED_HEADERS.has(name) || name.startsWith('access-control-');
}

export function securityHeaders(path: string): Record<string, string> {
  return { ...COMMON, 'content-security-policy': path.startsWith('/api/docs') ? DOCS_CSP : API_CSP };
}
