import { errorFactory, type ErrorCatalogue } from '@crm/platform';

/**
 * Every code analytics answers besides the platform's own (VALIDATION_FAILED,
 * ROUTE_NOT_FOUND, ...), and its kind, so its status. A new code goes here first.
 */
export type AnalyticsErrorCode =
  | 'CUSTOMER_FACTS_NOT_FOUND'
  | 'CUSTOMER_HAS_NO_ORDERS'
  | 'CLV_MODEL_UNAVAILABLE'
  | 'DATE_RANGE_INVALID'
  | 'CURSOR_INVALID';

export const ANALYTICS_ERRORS: ErrorCatalogue<AnalyticsErrorCode> = {
  CUSTOMER_FACTS_NOT_FOUND: 'not_found',
  CUSTOMER_HAS_NO_ORDERS: 'not_found',
  CLV_MODEL_UNAVAILABLE: 'unprocessable',
  DATE_RANGE_INVALID: 'invalid',
  CURSOR_INVALID: 'invalid',
};

/** `throw analyticsError('CUSTOMER_FACTS_NOT_FOUND', 'No facts for 42')`: the kind comes from the catalogue. */
export const analyticsError = errorFactory(ANALYTICS_ERRORS);
