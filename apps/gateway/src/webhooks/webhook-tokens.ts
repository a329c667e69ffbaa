/** Injection token of the WebhookSettings. */
export const WEBHOOK_SETTINGS = Symbol('crm:webhook-settings');
