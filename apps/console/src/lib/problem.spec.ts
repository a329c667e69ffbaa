import { describe, expect, it } from 'vitest';
import { ApiError, asProblem, describeError, fieldErrors } from './problem';

describe('fieldErrors', () => {
  const problem = {
    status: 400,
    code: 'VALIDATION_FAILED',
    errors: [
      { field: 'firstName', message: 'must not be blank' },
      { field: 'firstName', message: 'must be longer than or equal to 1 characters' },
      { field: 'emails.0.address', message: 'must be an email address' },
      { field: 'tags.3', message: 'must be at most 50 characters' },
      { field: 'birthDate', message: 'must be a date' },
    ],
  };

  it("puts each of the API's messages on the form field it belongs to", () => {
    const out = fieldErrors(problem, ['firstName', 'email', 'tags'], { 'emails.0.address': 'email' });
    expect(out['firstName']).toBe('must not be blank; must be longer than or equal to 1 characters');
    expect(out['email']).toBe('must be an email address');
    expect(out['tags']).toBe('must be at most 50 characters');
  });

  it('keeps a message for a field the form does not show, naming the field', () => {
    expect(fieldErrors(problem, ['firstName'])['_form']).toContain('birthDate: must be a date');
  });

  it('gives nothing without field errors', () => {
    expect(fieldErrors(undefined, ['a'])).toEqual({});
    expect(fieldErrors({ status: 409, code: 'CONTACT_EMAIL_TAKEN' }, ['a'])).toEqual({});
  });
});

describe('describeError', () => {
  it('says in words what happened and whether to retry', () => {
    expect(describeError(new ApiError({ status: 401 }))).toMatch(/Sign in again/);
    expect(describeError(new ApiError({ status: 503, detail: 'The contacts service did not answer.' }))).toBe(
      'The contacts service did not answer. Retry in a moment.',
    );
    expect(describeError(new TypeError('Failed to fetch'))).toMatch(/cannot be reached/);
    expect(new ApiError({ status: 503 }).retryable).toBe(true);
    expect(new ApiError({ status: 400 }).retryable).toBe(false);
  });

  it('reads a body that is not a problem as one', () => {
    expect(asProblem(502, '<html>bad gateway</html>')).toMatchObject({
      status: 502,
      detail: '<html>bad gateway</html>',
    });
    expect(asProblem(400, { status: 400, code: 'X' })).toEqual({ status: 400, code: 'X' });
  });
});
