/** Request-reply patterns answered by the analytics service. */
export const ANALYTICS_RPC = {
  customerFacts: 'analytics.customer.facts',
} as const;
