import type { Schemas } from '../../api/client';

/** Marketing's views, as its routes declare them in the merged document. */
export type Campaign = Schemas['CampaignViewDto'];
export type Promotion = Schemas['PromotionViewDto'];

/** A skip reason as a person reads it ("no_consent" → "no consent"). */
export const reasonWords = (reason: string): string => reason.replace(/[_-]+/g, ' ');
