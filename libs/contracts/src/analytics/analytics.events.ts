import { erasureCompletedType } from '../erasure/erasure.events';

/** Events published by analytics on the stream CRM_ANALYTICS. Additive only. */
export const ANALYTICS_EVENTS = {
  /** data: ErasureCompletedPayload */
  erasureCompleted: erasureCompletedType('analytics'),
} as const;
