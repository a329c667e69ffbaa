/**
 * The gateway's internal tokens: what a service receives instead of the
 * caller's credentials. They are told apart from user tokens by their own
 * header type, issuer and audience (and, when INTERNAL_TOKEN_SECRET is set,
 * their own key), so one can never pass for the other. Only they may carry
 * an explicit `permissions` claim.
 */
export const INTERNAL_TOKEN_TYPE = 'crm-internal+jwt';
export const INTERNAL_TOKEN_ISSUER = 'crm-gateway';
export const INTERNAL_TOKEN_AUDIENCE = 'crm-internal';
