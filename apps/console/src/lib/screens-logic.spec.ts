import { describe, expect, it } from 'vitest';
import { consentMatrix } from './consent-matrix';
import { erasureProgress } from './erasure';
import { mergePatch } from './merge-choice';
import { grants } from './permissions';
import { match } from './paths';

describe('erasureProgress', () => {
  it('counts confirmed records over all, never 100 before the receipt says complete', () => {
    const participants = [
      { service: 'contacts', status: 'completed' as const, records: 1, confirmed: 1 },
      { service: 'analytics', status: 'pending' as const, records: 3, confirmed: 0 },
    ];
    expect(erasureProgress(participants, false)).toBe(25);
    expect(
      erasureProgress(
        participants.map((p) => ({ ...p, status: 'completed' as const })),
        false,
      ),
    ).toBe(99);
    expect(erasureProgress(participants, true)).toBe(100);
    expect(erasureProgress([], false)).toBe(0);
  });
});

describe('mergePatch', () => {
  const kept = { firstName: 'Katherine', lastName: 'Johnson', city: 'Paris', country: null };
  const other = { firstName: 'Katherin', lastName: 'Johnson', city: 'Lyon', country: 'FR' };

  it('writes only the values picked from the other record that differ', () => {
    expect(mergePatch(kept, other, { city: 'other', country: 'other', lastName: 'other', firstName: 'kept' })).toEqual({
      city: 'Lyon',
      country: 'FR',
    });
    expect(mergePatch(kept, other, {})).toEqual({});
  });

  it('never clears a required field from an empty other side', () => {
    expect(mergePatch(kept, { ...other, firstName: null }, { firstName: 'other' })).toEqual({});
  });
});

describe('consentMatrix', () => {
  it('fills channel x purpose, unknown where nobody decided', () => {
    const m = consentMatrix([
      { channel: 'email', purpose: 'marketing', granted: true, decidedAt: '2026-01-01' },
      { channel: 'sms', purpose: 'marketing', granted: false, decidedAt: '2026-01-01' },
      { channel: 'fax', purpose: 'marketing', granted: true, decidedAt: '2026-01-01' },
    ]);
    expect(m['email']['marketing']).toBe('granted');
    expect(m['sms']['marketing']).toBe('refused');
    expect(m['email']['profiling']).toBe('unknown');
    expect(m['fax']).toBeUndefined();
  });
});

describe('grants and routes', () => {
  it('reads wildcards as the platform does', () => {
    expect(grants(['*'], 'contacts:admin')).toBe(true);
    expect(grants(['*:read'], 'contacts:read')).toBe(true);
    expect(grants(['*:read'], 'contacts:write')).toBe(false);
    expect(grants(['contacts:*'], 'contacts:admin')).toBe(true);
    expect(grants(['contacts:read'], 'contacts:write')).toBe(false);
  });

  it('matches screen paths', () => {
    expect(match('/contacts/:id/merge/:otherId', '/contacts/a/merge/b')).toEqual({ id: 'a', otherId: 'b' });
    expect(match('/contacts/:id', '/contacts/a/')).toEqual({ id: 'a' });
    expect(match('/contacts/:id', '/accounts/a')).toBeNull();
  });
});
