/** An RFC 9457 problem as the suite answers it (application/problem+json with a stable code). */
export interface Problem {
  type?: string;
  title?: string;
  status: number;
  detail?: string;
  code?: string;
  requestId?: string;
  errors?: { field: string; message: string }[];
  [extension: string]: unknown;
}

export class ApiError extends Error {
  constructor(readonly problem: Problem) {
    super(problem.detail || problem.title || `The request failed (${problem.status})`);
    this.name = 'ApiError';
  }

  get status(): number {
    return this.problem.status;
  }

  get code(): string | undefined {
    return this.problem.code;
  }

  /** 503, 504 and 429 go away by themselves: the screen offers a retry. */
  get retryable(): boolean {
    return this.status === 503 || this.status === 504 || this.status === 429 || this.status === 502;
  }
}

export function asProblem(status: number, body: unknown): Problem {
  if (body && typeof body === 'object' && typeof (body as Problem).status === 'number') return body as Problem;
  return { status, title: `The request failed (${status})`, detail: typeof body === 'string' ? body : undefined };
}

/** What to tell a person about an error, in words. */
export function describeError(error: unknown): string {
  if (error instanceof ApiError) {
    const p = error.problem;
    if (p.status === 401) return 'Your session has ended. Sign in again.';
    if (p.status === 403) return p.detail ?? 'You are not allowed to do this.';
    if (p.status === 429) return 'Too many requests right now; wait a moment and retry.';
    if (p.status === 503 || p.status === 504 || p.status === 502)
      return `${p.detail ?? 'A service is not answering.'} Retry in a moment.`;
    return p.detail ?? p.title ?? `The request failed (${p.status}).`;
  }
  if (error instanceof TypeError) return 'The server cannot be reached. Check your connection and retry.';
  return error instanceof Error ? error.message : String(error);
}

/**
 * The API's field errors on the form's fields: `emails.0.address` lands on `email` through
 * `aliases`; several messages for one field are joined; a field the form does not show goes
 * to `_form` so it is still seen.
 */
export function fieldErrors(
  problem: Problem | undefined,
  fields: readonly string[],
  aliases: Record<string, string> = {},
): Record<string, string> {
  const out: Record<string, string> = {};
  for (const e of problem?.errors ?? []) {
    let field = aliases[e.field] ?? e.field;
    if (!fields.includes(field)) {
      const head = e.field.split('.')[0];
      field = aliases[head] ?? (fields.includes(head) ? head : '_form');
    }
    const message = e.field === '_form' || field === '_form' ? `${e.field}: ${e.message}` : e.message;
    out[field] = out[field] ? `${out[field]}; ${message}` : message;
  }
  return out;
}
