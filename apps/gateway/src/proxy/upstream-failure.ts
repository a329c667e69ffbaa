export interface UpstreamFailure {
  status: 502 | 503 | 504;
  code: 'SERVICE_UNAVAILABLE' | 'SERVICE_TIMEOUT' | 'BAD_GATEWAY';
  detail: string;
}

/** Errors meaning nothing listens, or the host cannot be reached at all. */
const UNREACHABLE = new Set([
  'ECONNREFUSED',
  'ENOTFOUND',
  'EAI_AGAIN',
  'EHOSTUNREACH',
  'ENETUNREACH',
  'EHOSTDOWN',
  'UND_ERR_CONNECT_TIMEOUT',
]);

function codesOf(error: unknown): string[] {
  const codes: string[] = [];
  const visit = (e: unknown, depth: number) => {
    if (!e || typeof e !== 'object' || depth > 3) return;
    const code = (e as { code?: unknown }).code;
    if (typeof code === 'string') codes.push(code);
    // Node wraps per-address attempts (IPv4/IPv6) in an AggregateError; undici keeps the cause.
    for (const inner of (e as { errors?: unknown[] }).errors ?? []) visit(inner, depth + 1);
    visit((e as { cause?: unknown }).cause, depth + 1);
  };
  visit(error, 0);
  return codes;
}

/**
 * What the client is told when a service could not give an answer: 503 when
 * it cannot be reached, 504 when it took too long to answer, 502 when it
 * broke off or answered something unusable.
 */
export function upstreamFailure(service: string, error: unknown): UpstreamFailure {
  const codes = codesOf(error);
  if (codes.some((c) => UNREACHABLE.has(c))) {
    return {
      status: 503,
      code: 'SERVICE_UNAVAILABLE',
      detail: `The ${service} service cannot be reached; try again shortly.`,
    };
  }
  if (codes.includes('UND_ERR_HEADERS_TIMEOUT')) {
    return {
      status: 504,
      code: 'SERVICE_TIMEOUT',
      detail: `The ${service} service did not answer in time.`,
    };
  }
  return {
    status: 502,
    code: 'BAD_GATEWAY',
    detail: `The ${service} service broke off or gave an unusable answer.`,
  };
}
