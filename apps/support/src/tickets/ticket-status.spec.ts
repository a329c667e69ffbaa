import { DomainError } from '@crm/platform';
import { canMove, checkMove } from './ticket-status';

describe('ticket lifecycle', () => {
  it.each([
    ['new', 'open'],
    ['open', 'pending'],
    ['pending', 'open'],
    ['on-hold', 'solved'],
    ['solved', 'open'],
    ['solved', 'closed'],
  ] as const)('allows %s -> %s', (from, to) => expect(canMove(from, to)).toBe(true));

  it.each([
    ['new', 'closed'],
    ['open', 'closed'],
    ['open', 'new'],
    ['solved', 'pending'],
  ] as const)('refuses %s -> %s as TICKET_TRANSITION_INVALID (409)', (from, to) => {
    expect(canMove(from, to)).toBe(false);
    expect(() => checkMove(from, to)).toThrow(DomainError);
    try {
      checkMove(from, to);
    } catch (e) {
      expect((e as DomainError).code).toBe('TICKET_TRANSITION_INVALID');
      expect((e as DomainError).status).toBe(409);
    }
  });

  it('refuses any move of a closed ticket as TICKET_CLOSED', () => {
    expect(() => checkMove('closed', 'open')).toThrow(expect.objectContaining({ code: 'TICKET_CLOSED' }));
  });
});
