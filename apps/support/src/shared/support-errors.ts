import { errorFactory, type ErrorCatalogue } from '@crm/platform';

/** Every code support answers besides the platform's own; the map decides each one's status. */
export type SupportErrorCode =
  | 'TICKET_NOT_FOUND'
  | 'TEAM_NOT_FOUND'
  | 'AGENT_NOT_FOUND'
  | 'CALENDAR_NOT_FOUND'
  | 'SLA_POLICY_NOT_FOUND'
  | 'ASSET_NOT_FOUND'
  | 'CSAT_NOT_FOUND'
  | 'TICKET_TRANSITION_INVALID'
  | 'TICKET_CLOSED'
  | 'TICKET_MERGED'
  | 'TICKET_MERGE_INVALID'
  | 'ASSET_OF_ANOTHER_CUSTOMER'
  | 'AGENT_NOT_IN_TEAM'
  | 'NO_AGENT_AVAILABLE'
  | 'AGENT_SUBJECT_TAKEN'
  | 'TEAM_ADDRESS_TAKEN'
  | 'CALENDAR_HOURS_INVALID'
  | 'CALENDAR_IN_USE'
  | 'CSAT_ALREADY_ANSWERED'
  | 'CSAT_EXPIRED'
  | 'WEBHOOK_SIGNATURE_INVALID'
  | 'WEBHOOK_NOT_CONFIGURED'
  | 'VERSION_CONFLICT'
  | 'CURSOR_INVALID';

export const SUPPORT_ERRORS: ErrorCatalogue<SupportErrorCode> = {
  TICKET_NOT_FOUND: 'not_found',
  TEAM_NOT_FOUND: 'not_found',
  AGENT_NOT_FOUND: 'not_found',
  CALENDAR_NOT_FOUND: 'not_found',
  SLA_POLICY_NOT_FOUND: 'not_found',
  ASSET_NOT_FOUND: 'not_found',
  CSAT_NOT_FOUND: 'not_found',
  TICKET_TRANSITION_INVALID: 'conflict',
  TICKET_CLOSED: 'conflict',
  TICKET_MERGED: 'gone',
  TICKET_MERGE_INVALID: 'unprocessable',
  ASSET_OF_ANOTHER_CUSTOMER: 'unprocessable',
  AGENT_NOT_IN_TEAM: 'unprocessable',
  NO_AGENT_AVAILABLE: 'conflict',
  AGENT_SUBJECT_TAKEN: 'conflict',
  TEAM_ADDRESS_TAKEN: 'conflict',
  CALENDAR_HOURS_INVALID: 'invalid',
  CALENDAR_IN_USE: 'conflict',
  CSAT_ALREADY_ANSWERED: 'conflict',
  CSAT_EXPIRED: 'gone',
  WEBHOOK_SIGNATURE_INVALID: 'unauthenticated',
  WEBHOOK_NOT_CONFIGURED: 'unavailable',
  VERSION_CONFLICT: 'precondition_failed',
  CURSOR_INVALID: 'invalid',
};

/** `throw supportError('TICKET_NOT_FOUND', 'No ticket 42')`: the kind comes from the catalogue. */
export const supportError = errorFactory(SUPPORT_ERRORS);

export const notFound = (
  what: 'TICKET' | 'TEAM' | 'AGENT' | 'CALENDAR' | 'SLA_POLICY' | 'ASSET' | 'CSAT',
  id: string,
) => supportError(`${what}_NOT_FOUND`, `No ${what.toLowerCase().replace('_', ' ')} ${id}`);

export const badCursor = () =>
  supportError('CURSOR_INVALID', 'The cursor is not valid', {
    errors: [{ field: 'cursor', message: 'is not a cursor of this listing' }],
  });
