import { protocolsOf, speaksOnlyFirstProtocol } from './exchange-protocol';

/** The first release's answer to a chunked match, as the two-suite spec saw it over the wire. */
const firstReleaseRefusal = (extra: { field: string; message: string }[] = []) => ({
  status: 400,
  body: {
    status: 400,
    code: 'VALIDATION_FAILED',
    errors: [
      { field: 'protocol', message: 'is not a known field' },
      { field: 'matchId', message: 'is not a known field' },
      { field: 'chunk', message: 'is not a known field' },
      { field: 'chunks', message: 'is not a known field' },
      ...extra,
    ],
  },
});

describe('recognising a partner that does not speak the chunked match', () => {
  it("falls back on the first release's refusal: 400, only the chunked fields unknown, no versions stated", () => {
    expect(speaksOnlyFirstProtocol(firstReleaseRefusal())).toBe(true);
  });

  it('does not fall back when the refusal is also about something else, or not a 400 validation', () => {
    expect(
      speaksOnlyFirstProtocol(firstReleaseRefusal([{ field: 'records.0.emailHash', message: 'must be a hex' }])),
    ).toBe(false);
    expect(speaksOnlyFirstProtocol(firstReleaseRefusal([{ field: 'records', message: 'is not a known field' }]))).toBe(
      false,
    );
    expect(speaksOnlyFirstProtocol({ ...firstReleaseRefusal(), status: 422 })).toBe(false);
    expect(speaksOnlyFirstProtocol({ status: 409, body: { code: 'AGREEMENT_NOT_IN_FORCE' } })).toBe(false);
    expect(speaksOnlyFirstProtocol({ status: 400, body: { code: 'VALIDATION_FAILED', errors: [] } })).toBe(false);
    expect(speaksOnlyFirstProtocol({ status: 400, body: undefined })).toBe(false);
  });

  it('believes the versions a partner states over the shape of its refusal', () => {
    expect(speaksOnlyFirstProtocol({ ...firstReleaseRefusal(), protocols: [1, 2] })).toBe(false);
    expect(speaksOnlyFirstProtocol({ status: 400, body: {}, protocols: [1] })).toBe(true);
    expect(protocolsOf('1, 2')).toEqual([1, 2]);
    expect(protocolsOf('')).toBeUndefined();
    expect(protocolsOf('x')).toBeUndefined();
  });
});
