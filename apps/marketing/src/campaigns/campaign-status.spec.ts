import { DomainError } from '@crm/platform';
import { nextStatus } from './campaign-status';

describe('campaign status', () => {
  it('moves draft -> scheduled -> sending -> paused -> sending -> done', () => {
    expect(nextStatus('draft', 'schedule')).toBe('scheduled');
    expect(nextStatus('scheduled', 'start')).toBe('sending');
    expect(nextStatus('sending', 'pause')).toBe('paused');
    expect(nextStatus('paused', 'resume')).toBe('sending');
    expect(nextStatus('sending', 'complete')).toBe('done');
  });

  it('refuses a move that is not allowed with a conflict naming the status', () => {
    expect(() => nextStatus('done', 'cancel')).toThrow(DomainError);
    try {
      nextStatus('draft', 'pause');
    } catch (e) {
      expect((e as DomainError).code).toBe('CAMPAIGN_TRANSITION_INVALID');
      expect((e as DomainError).status).toBe(409);
    }
  });
});
