import { DomainError } from '@crm/platform';
import { GATEWAY_ERRORS, gatewayError, gatewayProblem } from './gateway-errors';

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
});
