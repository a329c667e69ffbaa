import { upstreamFailure } from './upstream-failure';

function err(code: string, extra: object = {}): Error {
  return Object.assign(new Error(code), { code }, extra);
}

describe('upstreamFailure', () => {
  it('calls a refused or unresolvable service unavailable (503), naming it', () => {
    for (const code of ['ECONNREFUSED', 'ENOTFOUND', 'UND_ERR_CONNECT_TIMEOUT']) {
      const f = upstreamFailure('contacts', err(code));
      expect(f).toMatchObject({ status: 503, code: 'SERVICE_UNAVAILABLE' });
      expect(f.detail).toContain('contacts');
    }
  });

  it('finds the cause inside an AggregateError of per-address attempts', () => {
    const aggregate = new AggregateError([err('ECONNREFUSED'), err('ECONNREFUSED')], 'connect failed');
    expect(upstreamFailure('analytics', aggregate).status).toBe(503);
    expect(upstreamFailure('analytics', err('UND_ERR_SOCKET', { cause: err('ECONNREFUSED') })).status).toBe(503);
  });

  it('calls a service that does not answer in time a timeout (504)', () => {
    expect(upstreamFailure('analytics', err('UND_ERR_HEADERS_TIMEOUT'))).toMatchObject({
      status: 504,
      code: 'SERVICE_TIMEOUT',
    });
  });

  it('calls anything else a bad gateway (502)', () => {
    expect(upstreamFailure('contacts', err('UND_ERR_SOCKET')).status).toBe(502);
    expect(upstreamFailure('contacts', err('ECONNRESET')).status).toBe(502);
    expect(upstreamFailure('contacts', new Error('weird')).status).toBe(502);
  });
});
