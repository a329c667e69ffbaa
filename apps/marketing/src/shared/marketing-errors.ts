import { errorFactory, type ErrorCatalogue } from '@crm/platform';

/**
 * Every code marketing answers besides the platform's own (VALIDATION_FAILED,
 * ROUTE_NOT_FOUND, CONCURRENT_UPDATE, ...), and its kind, so its status.
 */
export type MarketingErrorCode =
  | 'SEGMENT_NOT_FOUND'
  | 'SEGMENT_NOT_STATIC'
  | 'TEMPLATE_NOT_FOUND'
  | 'TEMPLATE_INVALID'
  | 'CAMPAIGN_NOT_FOUND'
  | 'CAMPAIGN_TRANSITION_INVALID'
  | 'CAMPAIGN_NOT_EDITABLE'
  | 'CONTACT_NOT_MIRRORED'
  | 'PROMOTION_NOT_FOUND'
  | 'PROGRAM_NOT_FOUND'
  | 'POINTS_INSUFFICIENT'
  | 'SURVEY_NOT_FOUND'
  | 'SURVEY_LINK_INVALID'
  | 'SURVEY_ALREADY_ANSWERED'
  | 'LINK_SIGNATURE_INVALID'
  | 'VERSION_CONFLICT'
  | 'CURSOR_INVALID'
  | 'PARTNER_NOT_FOUND'
  | 'AGREEMENT_NOT_FOUND'
  | 'AGREEMENT_TRANSITION_INVALID'
  | 'AGREEMENT_NOT_IN_FORCE'
  | 'AUDIENCE_BELOW_THRESHOLD'
  | 'PARTNER_UNREACHABLE'
  | 'PARTNER_REFUSED'
  | 'PARTNER_SIGNATURE_INVALID'
  | 'PARTNER_AUDIENCE_NOT_FOUND'
  | 'PARTNER_SHARE_NOT_FOUND';

export const MARKETING_ERRORS: ErrorCatalogue<MarketingErrorCode> = {
  SEGMENT_NOT_FOUND: 'not_found',
  SEGMENT_NOT_STATIC: 'conflict',
  TEMPLATE_NOT_FOUND: 'not_found',
  TEMPLATE_INVALID: 'invalid',
  CAMPAIGN_NOT_FOUND: 'not_found',
  CAMPAIGN_TRANSITION_INVALID: 'conflict',
  CAMPAIGN_NOT_EDITABLE: 'conflict',
  CONTACT_NOT_MIRRORED: 'not_found',
  PROMOTION_NOT_FOUND: 'not_found',
  PROGRAM_NOT_FOUND: 'not_found',
  POINTS_INSUFFICIENT: 'conflict',
  SURVEY_NOT_FOUND: 'not_found',
  SURVEY_LINK_INVALID: 'not_found',
  SURVEY_ALREADY_ANSWERED: 'conflict',
  LINK_SIGNATURE_INVALID: 'forbidden',
  VERSION_CONFLICT: 'precondition_failed',
  CURSOR_INVALID: 'invalid',
  PARTNER_NOT_FOUND: 'not_found',
  AGREEMENT_NOT_FOUND: 'not_found',
  AGREEMENT_TRANSITION_INVALID: 'conflict',
  AGREEMENT_NOT_IN_FORCE: 'conflict',
  AUDIENCE_BELOW_THRESHOLD: 'unprocessable',
  PARTNER_UNREACHABLE: 'bad_gateway',
  PARTNER_REFUSED: 'bad_gateway',
  PARTNER_SIGNATURE_INVALID: 'unauthenticated',
  PARTNER_AUDIENCE_NOT_FOUND: 'not_found',
  PARTNER_SHARE_NOT_FOUND: 'not_found',
};

/** `throw marketingError('SEGMENT_NOT_FOUND', 'No segment 42')`: the kind comes from the catalogue. */
export const marketingError = errorFactory(MARKETING_ERRORS);
