export type ErrorKind =
  | 'invalid'
  | 'unprocessable'
  | 'unauthenticated'
  | 'forbidden'
  | 'not_found'
  | 'gone'
  | 'conflict'
  | 'precondition_failed'
  | 'too_large'
  | 'too_many'
  | 'bad_gateway'
  | 'unavailable'
  | 'timeout';

export const STATUS_BY_KIND: Record<ErrorKind, number> = {
  invalid: 400,
  unauthenticated: 401,
  forbidden: 403,
  not_found: 404,
  conflict: 409,
  gone: 410,
  precondition_failed: 412,
  too_large: 413,
  unprocessable: 422,
  too_many: 429,
  bad_gateway: 502,
  unavailable: 503,
  timeout: 504,
};

/** A field named by a dotted path, e.g. `emails.0.address`, and what is wrong with it. */
export interface FieldProblem {
  field: string;
  message: string;
}

export interface DomainErrorExtra {
  errors?: FieldProblem[];
  [key: string]: unknown;
}

/**
 * The one error type services throw. The stable `code` is the contract with
 * clients; the kind decides the HTTP status at the edge, in one place.
 */
export class DomainError extends Error {
  constructor(
    readonly code: string,
    message: string,
    readonly kind: ErrorKind = 'invalid',
    readonly extra: DomainErrorExtra = {},
  ) {
    super(message);
    this.name = 'DomainError';
  }

  get status(): number {
    return STATUS_BY_KIND[this.kind];
  }
}

export function validationFailed(errors: FieldProblem[], message?: string): DomainError {
  const fields = [...new Set(errors.map((e) => e.field))].join(', ');
  return new DomainError('VALIDATION_FAILED', message ?? `Invalid request: ${fields}`, 'invalid', { errors });
}
