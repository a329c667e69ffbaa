/**
 * Bounds the answer schemas state, so the API reference says how long a
 * string or a list can be (the OWASP ruleset the gateway's document is
 * checked with asks for them on every string, array and integer).
 */
export const INT32_MAX = 2_147_483_647;
export const SAFE_MAX = Number.MAX_SAFE_INTEGER;

/** A count (customers, orders, tickets). */
export const COUNT = { type: 'integer', format: 'int32', minimum: 0, maximum: INT32_MAX } as const;
/** An amount in minor units: a bigint column read into a JavaScript number. */
export const MINOR = { type: 'integer', format: 'int64', minimum: -SAFE_MAX, maximum: SAFE_MAX } as const;
export const DAY = { type: 'string', format: 'date', maxLength: 10 } as const;
export const MONTH = { type: 'string', pattern: '^\\d{4}-\\d{2}$', maxLength: 7, description: 'YYYY-MM' } as const;
export const UUID = { type: 'string', format: 'uuid', maxLength: 36 } as const;
export const TIMESTAMP = { type: 'string', format: 'date-time', maxLength: 40 } as const;
export const RATIO = { type: 'number', minimum: 0, maximum: 1 } as const;

/** Months a range can hold: dates are YYYY-MM-DD, so years 0000 to 9999. */
export const MAX_MONTHS = 120_000;
/**
 * Rows of a report with one row per distinct value (channel, campaign, city,
 * team, agent): a declared bound; the reports do not cut the list.
 */
export const MAX_GROUPS = 10_000;
