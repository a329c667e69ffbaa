import { readdirSync, readFileSync } from 'node:fs';
import { join, relative } from 'node:path';
import { DomainError } from '@crm/platform';
import { GATEWAY_ERRORS, gatewayError, gatewayProblem } from './gateway-errors';

function sources(dir: string): string[] {
  return readdirSync(dir, { withFileTypes: true }).flatMap((e) =>
    e.isDirectory()
      ? sources(join(dir, e.name))
      : e.name.endsWith('.ts') && !/\.(int-)?spec\.ts$/.test(e.name)
        ? [join(dir, e.name)]
        : [],
  );
}

describe('the gateway error catalogue', () => {
  it('answers each code with the status of its kind, as problem+json fields', () => {
    expect(gatewayProblem('PAYLOAD_TOO_LARGE', 'too big', { limit: 10 })).toEqual({
      type: 'urn:crm:problem:payload-too-large',
      title: 'Content Too Large',
      status: 413,
      detail: 'too big',
      code: 'PAYLOAD_TOO_LARGE',
      limit: 10,
    });
    const statuses = Object.fromEntries(
      (Object.keys(GATEWAY_ERRORS) as (keyof typeof GATEWAY_ERRORS)[]).map((c) => [c, gatewayProblem(c, '').status]),
    );
    expect(statuses).toMatchObject({
      UNAUTHENTICATED: 401,
      AUTHENTICATION_UNAVAILABLE: 503,
      PERMISSION_DENIED: 403,
      RATE_LIMITED: 429,
      AUDIT_UNAVAILABLE: 503,
      BAD_GATEWAY: 502,
      SERVICE_TIMEOUT: 504,
      CUSTOMER_MERGED: 410,
      API_KEY_NOT_FOUND: 404,
    });
    const error = gatewayError('CUSTOMER_MERGED', 'merged', { mergedInto: 'b' });
    expect(error).toBeInstanceOf(DomainError);
    expect(error).toMatchObject({ code: 'CUSTOMER_MERGED', status: 410, extra: { mergedInto: 'b' } });
  });

  it('is the only place the gateway names a code and its status: no inline DomainError or problem(status, code)', () => {
    const root = join(__dirname, '..');
    const inline = sources(root).flatMap((file) =>
      readFileSync(file, 'utf8')
        .split('\n')
        .map((line, i) => ({ at: `${relative(root, file)}:${i + 1}`, line }))
        .filter(({ line }) => /new DomainError\(|\bproblem\(\s*(\d|\w+\.status)/.test(line)),
    );
    expect(inline).toEqual([]);
  });
});
