import { marketingError } from '../shared/marketing-errors';

export type CampaignStatus = 'draft' | 'scheduled' | 'sending' | 'paused' | 'done' | 'cancelled';
export type CampaignAction = 'schedule' | 'start' | 'pause' | 'resume' | 'complete' | 'cancel';

const MOVES: Record<CampaignAction, { from: CampaignStatus[]; to: CampaignStatus }> = {
  schedule: { from: ['draft'], to: 'scheduled' },
  start: { from: ['scheduled'], to: 'sending' },
  pause: { from: ['sending'], to: 'paused' },
  resume: { from: ['paused'], to: 'sending' },
  complete: { from: ['sending'], to: 'done' },
  cancel: { from: ['draft', 'scheduled', 'sending', 'paused'], to: 'cancelled' },
};

/** The status a campaign moves to, or CAMPAIGN_TRANSITION_INVALID naming what is allowed. */
export function nextStatus(current: CampaignStatus, action: CampaignAction): CampaignStatus {
  const move = MOVES[action];
  if (!move.from.includes(current))
    throw marketingError(
      'CAMPAIGN_TRANSITION_INVALID',
      `A ${current} campaign cannot ${action} (only from ${move.from.join(', ')})`,
      { status: current, action },
    );
  return move.to;
}
