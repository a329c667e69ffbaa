import { problemFactory, type ErrorCatalogue } from '@crm/platform';

/** Codes the console's sign-in and session routes answer (outside /api, so not in the gateway's catalogue). */
export type ConsoleErrorCode =
  | 'SESSION_MISSING'
  | 'SESSION_CSRF_INVALID'
  | 'SIGN_IN_INVALID'
  | 'LOCAL_SIGN_IN_DISABLED'
  | 'OIDC_NOT_CONFIGURED'
  | 'OIDC_STATE_INVALID'
  | 'OIDC_PROVIDER_FAILED'
  | 'OIDC_TOKEN_REFUSED'
  | 'CONSOLE_NOT_BUILT';

export const CONSOLE_ERRORS: ErrorCatalogue<ConsoleErrorCode> = {
  SESSION_MISSING: 'unauthenticated',
  SESSION_CSRF_INVALID: 'forbidden',
  SIGN_IN_INVALID: 'invalid',
  LOCAL_SIGN_IN_DISABLED: 'not_found',
  OIDC_NOT_CONFIGURED: 'not_found',
  OIDC_STATE_INVALID: 'invalid',
  OIDC_PROVIDER_FAILED: 'bad_gateway',
  OIDC_TOKEN_REFUSED: 'unauthenticated',
  CONSOLE_NOT_BUILT: 'not_found',
};

export const consoleProblem = problemFactory(CONSOLE_ERRORS);
