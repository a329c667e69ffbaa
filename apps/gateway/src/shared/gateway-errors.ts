import { errorFactory, problemFactory, type ErrorCatalogue } from '@crm/platform';

/**
 * Every code the gateway answers itself besides the platform's own
 * (VALIDATION_FAILED, ROUTE_NOT_FOUND from Nest, ...), and its kind, so its
 * status. Codes a service answers pass through as they are. A new code goes
 * here first; the map must name every code.
 */
export type GatewayErrorCode =
  | 'UNAUTHENTICATED'
  | 'AUTHENTICATION_UNAVAILABLE'
  | 'PERMISSION_DENIED'
  | 'RATE_LIMITED'
  | 'PAYLOAD_TOO_LARGE'
  | 'AUDIT_UNAVAILABLE'
  | 'PATH_INVALID'
  | 'ROUTE_NOT_FOUND'
  | 'SERVICE_UNAVAILABLE'
  | 'SERVICE_TIMEOUT'
  | 'BAD_GATEWAY'
  | 'CURSOR_INVALID'
  | 'CUSTOMER_NOT_FOUND'
  | 'CUSTOMER_MERGED'
  | 'API_KEY_NOT_FOUND'
  | 'API_KEY_SCOPE_NOT_HELD'
  | 'DOCS_FILE_NOT_FOUND';

export const GATEWAY_ERRORS: ErrorCatalogue<GatewayErrorCode> = {
  UNAUTHENTICATED: 'unauthenticated',
  AUTHENTICATION_UNAVAILABLE: 'unavailable',
  PERMISSION_DENIED: 'forbidden',
  RATE_LIMITED: 'too_many',
  PAYLOAD_TOO_LARGE: 'too_large',
  AUDIT_UNAVAILABLE: 'unavailable',
  PATH_INVALID: 'invalid',
  ROUTE_NOT_FOUND: 'not_found',
  SERVICE_UNAVAILABLE: 'unavailable',
  SERVICE_TIMEOUT: 'timeout',
  BAD_GATEWAY: 'bad_gateway',
  CURSOR_INVALID: 'invalid',
  CUSTOMER_NOT_FOUND: 'not_found',
  CUSTOMER_MERGED: 'gone',
  API_KEY_NOT_FOUND: 'not_found',
  API_KEY_SCOPE_NOT_HELD: 'forbidden',
  DOCS_FILE_NOT_FOUND: 'not_found',
};

/** `throw gatewayError('API_KEY_NOT_FOUND', 'No key 42')` in Nest handlers and services. */
export const gatewayError = errorFactory(GATEWAY_ERRORS);

/** `sendProblem(request, reply, gatewayProblem('RATE_LIMITED', '...'))` in the edge hooks and the proxy. */
export const gatewayProblem = problemFactory(GATEWAY_ERRORS);
