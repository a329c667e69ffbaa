import { BadRequestException, HttpException, NotFoundException, PayloadTooLargeException } from '@nestjs/common';
import { errorCodes } from 'fastify';
import { DomainError, STATUS_BY_KIND, validationFailed, type ErrorKind } from './domain-error';
import { problemType, toProblem } from './problem';

// What Nest's router makes of a Fastify error before any filter sees it.
const asNestSees = (e: Error & { statusCode?: number }) => new HttpException(e.message, e.statusCode ?? 500);

describe('mapping errors to problem details', () => {
  it.each<[ErrorKind, number]>([
    ['invalid', 400],
    ['unprocessable', 422],
    ['unauthenticated', 401],
    ['forbidden', 403],
    ['not_found', 404],
    ['conflict', 409],
    ['too_many', 429],
    ['unavailable', 503],
    ['timeout', 504],
  ])('gives a domain error of kind %s the status %i', (kind, status) => {
    expect(STATUS_BY_KIND[kind]).toBe(status);
    const p = toProblem(new DomainError('SOME_THING', 'it went wrong', kind));
    expect(p).toMatchObject({
      status,
      code: 'SOME_THING',
      detail: 'it went wrong',
      type: 'urn:crm:problem:some-thing',
    });
  });

  it('defaults a domain error to 400 and carries its field problems and extras', () => {
    const p = toProblem(
      new DomainError('CONTACT_INVALID', 'bad', undefined, {
        errors: [{ field: 'emails.0.address', message: 'x' }],
        hint: 'h',
      }),
    );
    expect(p.status).toBe(400);
    expect(p.errors).toEqual([{ field: 'emails.0.address', message: 'x' }]);
    expect(p['hint']).toBe('h');
  });

  it('does not let extras overwrite the status or the code', () => {
    const p = toProblem(new DomainError('REAL_CODE', 'bad', 'conflict', { status: 200, code: 'FAKE' }));
    expect(p).toMatchObject({ status: 409, code: 'REAL_CODE' });
  });

  it('names every invalid field in a validation failure', () => {
    const p = toProblem(
      validationFailed([
        { field: 'name', message: 'is required' },
        { field: 'emails.0.address', message: 'bad' },
      ]),
    );
    expect(p).toMatchObject({ status: 400, code: 'VALIDATION_FAILED' });
    expect(p.detail).toContain('emails.0.address');
  });

  it('calls an unknown route ROUTE_NOT_FOUND and a controller 404 NOT_FOUND', () => {
    expect(toProblem(new NotFoundException('Cannot GET /nowhere'))).toMatchObject({
      status: 404,
      code: 'ROUTE_NOT_FOUND',
    });
    expect(toProblem(new NotFoundException())).toMatchObject({ status: 404, code: 'NOT_FOUND' });
  });

  it('recognises Fastify body errors, whether raw or as Nest passes them on', () => {
    const invalidJson = new errorCodes.FST_ERR_CTP_INVALID_JSON_BODY();
    const emptyJson = new errorCodes.FST_ERR_CTP_EMPTY_JSON_BODY();
    const tooLarge = new errorCodes.FST_ERR_CTP_BODY_TOO_LARGE();
    const mediaType = new errorCodes.FST_ERR_CTP_INVALID_MEDIA_TYPE('text/csv');
    for (const e of [invalidJson, asNestSees(invalidJson), emptyJson, asNestSees(emptyJson)]) {
      expect(toProblem(e)).toMatchObject({ status: 400, code: 'MALFORMED_JSON', type: problemType('MALFORMED_JSON') });
    }
    for (const e of [tooLarge, asNestSees(tooLarge)])
      expect(toProblem(e)).toMatchObject({ status: 413, code: 'PAYLOAD_TOO_LARGE' });
    for (const e of [mediaType, asNestSees(mediaType)])
      expect(toProblem(e)).toMatchObject({ status: 415, code: 'UNSUPPORTED_MEDIA_TYPE' });
    expect(toProblem(new PayloadTooLargeException())).toMatchObject({ status: 413, code: 'PAYLOAD_TOO_LARGE' });
  });

  it('treats a parser SyntaxError flagged 400 as malformed JSON', () => {
    const e = Object.assign(new SyntaxError('Unexpected token } in JSON'), { statusCode: 400 });
    expect(toProblem(e)).toMatchObject({ status: 400, code: 'MALFORMED_JSON' });
  });

  it('answers Postgres contention with 409 or 503 and a value Postgres refuses with 400, never 500', () => {
    const pg = (code: string) =>
      Object.assign(new Error('driver message with ada@example.com'), { code, severity: 'ERROR' });
    expect(toProblem(pg('40P01'))).toMatchObject({ status: 409, code: 'CONCURRENT_UPDATE' });
    expect(toProblem(pg('40001'))).toMatchObject({ status: 409, code: 'CONCURRENT_UPDATE' });
    expect(toProblem(pg('55P03'))).toMatchObject({ status: 503, code: 'UNAVAILABLE' });
    expect(toProblem(pg('22P02'))).toMatchObject({ status: 400, code: 'INVALID_VALUE' });
    expect(JSON.stringify(toProblem(pg('22021')))).not.toContain('ada@example.com');
    expect(toProblem(pg('42P01'))).toMatchObject({ status: 500, code: 'INTERNAL_ERROR' });
  });

  it('keeps the message of other Nest client errors', () => {
    expect(toProblem(new BadRequestException('id must be a number'))).toMatchObject({
      status: 400,
      code: 'BAD_REQUEST',
      detail: 'id must be a number',
    });
  });

  it.each([
    ['an Error', new Error('connection to 10.0.0.5 refused, password=hunter2')],
    ['a thrown string', 'password=hunter2'],
    ['undefined', undefined],
    ['a SyntaxError from server code', new SyntaxError('Unexpected token in config hunter2')],
    ['a Nest 500', new HttpException('pool hunter2 exhausted', 500)],
  ])('answers %s with a bare 500 that leaks nothing', (_label, error) => {
    const p = toProblem(error);
    expect(p).toMatchObject({ status: 500, code: 'INTERNAL_ERROR', title: 'Internal Server Error' });
    expect(JSON.stringify(p)).not.toContain('hunter2');
  });
});
