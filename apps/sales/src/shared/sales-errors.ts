import { errorFactory, type ErrorCatalogue } from '@crm/platform';

/**
 * Every code sales answers besides the platform's own (VALIDATION_FAILED,
 * ROUTE_NOT_FOUND, CONCURRENT_UPDATE, ...), and its kind, so its status.
 * A new code goes here first; the map must name every code. sales-orders'
 * codes (products, price books, quotes, orders) are added here too.
 */
export type SalesErrorCode =
  | 'PIPELINE_NOT_FOUND'
  | 'PIPELINE_NAME_TAKEN'
  | 'STAGE_NOT_FOUND'
  | 'STAGE_NOT_IN_PIPELINE'
  | 'STAGE_RETIRED'
  | 'STAGE_IN_USE'
  | 'STAGE_ORDER_INVALID'
  | 'PIPELINE_STAGES_INCOMPLETE'
  | 'DEAL_NOT_FOUND'
  | 'DEAL_STAGE_TRANSITION_INVALID'
  | 'DEAL_CLOSED'
  | 'DEAL_NOT_CLOSED'
  | 'LOST_REASON_REQUIRED'
  | 'LOST_REASON_NOT_FOUND'
  | 'LOST_REASON_UNKNOWN'
  | 'LOST_REASON_INACTIVE'
  | 'LOST_REASON_TAKEN'
  | 'CUSTOM_FIELD_EXISTS'
  | 'CUSTOM_FIELDS_FULL'
  | 'CURRENCY_RATE_NOT_FOUND'
  | 'CURRENCY_RATE_MISSING'
  | 'FORECAST_TOO_WIDE'
  | 'VERSION_CONFLICT'
  | 'CURSOR_INVALID'
  | 'PRODUCT_NOT_FOUND'
  | 'PRODUCT_SKU_TAKEN'
  | 'PRODUCT_INACTIVE'
  | 'PRICE_BOOK_NOT_FOUND'
  | 'PRICE_BOOK_NAME_TAKEN'
  | 'PRICE_BOOK_CURRENCY_MISMATCH'
  | 'PRICE_BOOK_NOT_VALID'
  | 'PRICE_BOOK_DEFAULT_REQUIRED'
  | 'PRICE_NOT_FOUND'
  | 'QUOTE_NOT_FOUND'
  | 'QUOTE_TRANSITION_INVALID'
  | 'QUOTE_NOT_EDITABLE'
  | 'QUOTE_SUPERSEDED'
  | 'QUOTE_EXPIRED'
  | 'ORDER_NOT_FOUND'
  | 'ORDER_TRANSITION_INVALID'
  | 'ORDER_EXTERNAL_ID_CONFLICT'
  | 'IDEMPOTENCY_KEY_REUSED'
  | 'REFUND_EXCEEDS_LINE'
  | 'IMPORT_NOT_FOUND'
  | 'IMPORT_TOO_LARGE';

export const SALES_ERRORS: ErrorCatalogue<SalesErrorCode> = {
  PIPELINE_NOT_FOUND: 'not_found',
  PIPELINE_NAME_TAKEN: 'conflict',
  STAGE_NOT_FOUND: 'not_found',
  STAGE_NOT_IN_PIPELINE: 'unprocessable',
  STAGE_RETIRED: 'unprocessable',
  STAGE_IN_USE: 'conflict',
  STAGE_ORDER_INVALID: 'unprocessable',
  PIPELINE_STAGES_INCOMPLETE: 'unprocessable',
  DEAL_NOT_FOUND: 'not_found',
  DEAL_STAGE_TRANSITION_INVALID: 'unprocessable',
  DEAL_CLOSED: 'conflict',
  DEAL_NOT_CLOSED: 'conflict',
  LOST_REASON_REQUIRED: 'unprocessable',
  LOST_REASON_NOT_FOUND: 'not_found',
  LOST_REASON_UNKNOWN: 'unprocessable',
  LOST_REASON_INACTIVE: 'unprocessable',
  LOST_REASON_TAKEN: 'conflict',
  CUSTOM_FIELD_EXISTS: 'conflict',
  CUSTOM_FIELDS_FULL: 'unprocessable',
  CURRENCY_RATE_NOT_FOUND: 'not_found',
  CURRENCY_RATE_MISSING: 'unprocessable',
  FORECAST_TOO_WIDE: 'unprocessable',
  VERSION_CONFLICT: 'precondition_failed',
  CURSOR_INVALID: 'invalid',
  PRODUCT_NOT_FOUND: 'not_found',
  PRODUCT_SKU_TAKEN: 'conflict',
  PRODUCT_INACTIVE: 'unprocessable',
  PRICE_BOOK_NOT_FOUND: 'not_found',
  PRICE_BOOK_NAME_TAKEN: 'conflict',
  PRICE_BOOK_CURRENCY_MISMATCH: 'unprocessable',
  PRICE_BOOK_NOT_VALID: 'unprocessable',
  PRICE_BOOK_DEFAULT_REQUIRED: 'unprocessable',
  PRICE_NOT_FOUND: 'unprocessable',
  QUOTE_NOT_FOUND: 'not_found',
  QUOTE_TRANSITION_INVALID: 'unprocessable',
  QUOTE_NOT_EDITABLE: 'conflict',
  QUOTE_SUPERSEDED: 'conflict',
  QUOTE_EXPIRED: 'unprocessable',
  ORDER_NOT_FOUND: 'not_found',
  ORDER_TRANSITION_INVALID: 'unprocessable',
  ORDER_EXTERNAL_ID_CONFLICT: 'conflict',
  IDEMPOTENCY_KEY_REUSED: 'unprocessable',
  REFUND_EXCEEDS_LINE: 'unprocessable',
  IMPORT_NOT_FOUND: 'not_found',
  IMPORT_TOO_LARGE: 'too_large',
};

/** `throw salesError('DEAL_NOT_FOUND', 'No deal 42')`: the kind comes from the catalogue. */
export const salesError = errorFactory(SALES_ERRORS);
