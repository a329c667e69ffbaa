import { errorFactory, type ErrorCatalogue } from '@crm/platform';

/** The codes of the gateway's webhooks (subscriptions, deliveries). */
export type WebhookErrorCode =
  | 'WEBHOOK_NOT_FOUND'
  | 'WEBHOOK_TARGET_REFUSED'
  | 'WEBHOOK_VERSION_CONFLICT'
  | 'WEBHOOK_DELIVERY_NOT_FOUND'
  | 'WEBHOOK_DELIVERY_NOT_DEAD';

export const WEBHOOK_ERRORS: ErrorCatalogue<WebhookErrorCode> = {
  WEBHOOK_NOT_FOUND: 'not_found',
  WEBHOOK_TARGET_REFUSED: 'invalid',
  WEBHOOK_VERSION_CONFLICT: 'precondition_failed',
  WEBHOOK_DELIVERY_NOT_FOUND: 'not_found',
  WEBHOOK_DELIVERY_NOT_DEAD: 'conflict',
};

export const webhookError = errorFactory(WEBHOOK_ERRORS);
