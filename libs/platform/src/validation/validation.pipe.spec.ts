import type { ArgumentMetadata } from '@nestjs/common';
import { Type } from 'class-transformer';
import { IsArray, IsEmail, IsInt, IsOptional, IsString, IsUUID, Max, Min, ValidateNested } from 'class-validator';
import { DomainError, type FieldProblem } from '../errors/domain-error';
import { createValidationPipe, ParseUuidPipe } from './validation.pipe';

class EmailDto {
  @IsEmail()
  address!: string;
}

class PersonDto {
  @IsString()
  name!: string;

  @IsOptional()
  @IsInt()
  age?: number;

  @IsArray()
  @ValidateNested({ each: true })
  @Type(() => EmailDto)
  emails!: EmailDto[];
}

class IdParams {
  @IsUUID()
  id!: string;
}

class ListQuery {
  @IsOptional()
  @Type(() => Number)
  @IsInt()
  @Min(1)
  @Max(100)
  limit?: number;
}

const body: ArgumentMetadata = { type: 'body', metatype: PersonDto };

async function problemsOf(value: unknown, metadata: ArgumentMetadata): Promise<FieldProblem[]> {
  try {
    await createValidationPipe().transform(value, metadata);
  } catch (error) {
    expect(error).toBeInstanceOf(DomainError);
    expect(error).toMatchObject({ code: 'VALIDATION_FAILED', kind: 'invalid' });
    return (error as DomainError).extra.errors ?? [];
  }
  throw new Error('the value was accepted');
}

describe('the validation pipe', () => {
  it('turns a valid body into an instance of its DTO', async () => {
    const out = await createValidationPipe().transform({ name: 'Ada', emails: [{ address: 'ada@example.com' }] }, body);
    expect(out).toBeInstanceOf(PersonDto);
    expect((out as PersonDto).emails[0]).toBeInstanceOf(EmailDto);
  });

  it('refuses an unknown field and names it', async () => {
    expect(await problemsOf({ name: 'Ada', emails: [], nickname: 'A' }, body)).toEqual([
      { field: 'nickname', message: 'is not a known field' },
    ]);
  });

  it('names a nested invalid field by its dotted path', async () => {
    const problems = await problemsOf(
      { name: 'Ada', emails: [{ address: 'ada@example.com' }, { address: 'nope' }] },
      body,
    );
    expect(problems.map((p) => p.field)).toEqual(['emails.1.address']);
  });

  it('names an unknown nested field by its dotted path', async () => {
    const problems = await problemsOf({ name: 'Ada', emails: [{ address: 'ada@example.com', primary: true }] }, body);
    expect(problems).toEqual([{ field: 'emails.0.primary', message: 'is not a known field' }]);
  });

  it('refuses a value of the wrong type without converting it', async () => {
    const problems = await problemsOf({ name: 42, age: '42', emails: 'ada@example.com' }, body);
    expect([...new Set(problems.map((p) => p.field))].sort()).toEqual(['age', 'emails', 'name']);
  });

  it('reports every problem, not just the first', async () => {
    expect((await problemsOf({}, body)).map((p) => p.field)).toEqual(expect.arrayContaining(['name', 'emails']));
  });

  it.each([
    ['an array', []],
    ['a string', 'Ada'],
    ['null', null],
    ['nothing', undefined],
  ])('refuses %s as a body', async (_label, value) => {
    expect(await problemsOf(value, body)).toEqual([{ field: 'body', message: 'the body must be a JSON object' }]);
  });

  it('names a path parameter that is not a UUID', async () => {
    expect((await problemsOf({ id: 'not-a-uuid' }, { type: 'param', metatype: IdParams })).map((p) => p.field)).toEqual(
      ['id'],
    );
  });

  it('converts and checks a query when its DTO asks for a number', async () => {
    const ok = await createValidationPipe().transform({ limit: '20' }, { type: 'query', metatype: ListQuery });
    expect(ok).toEqual(Object.assign(new ListQuery(), { limit: 20 }));
    expect((await problemsOf({ limit: '500' }, { type: 'query', metatype: ListQuery })).map((p) => p.field)).toEqual([
      'limit',
    ]);
    expect((await problemsOf({ sort: 'name' }, { type: 'query', metatype: ListQuery })).map((p) => p.field)).toEqual([
      'sort',
    ]);
  });

  it('leaves primitive parameters alone', async () => {
    expect(await createValidationPipe().transform('abc', { type: 'param', metatype: String, data: 'slug' })).toBe(
      'abc',
    );
  });
});

describe('ParseUuidPipe', () => {
  const pipe = new ParseUuidPipe();

  it('passes a UUID through', () => {
    expect(pipe.transform('0190f0f0-0000-7000-8000-000000000001', { type: 'param', data: 'id' })).toBe(
      '0190f0f0-0000-7000-8000-000000000001',
    );
  });

  it('refuses anything else with a problem naming the parameter', () => {
    expect(() => pipe.transform('42', { type: 'param', data: 'personId' })).toThrow(
      expect.objectContaining({
        code: 'VALIDATION_FAILED',
        extra: { errors: [{ field: 'personId', message: 'must be a UUID' }] },
      }),
    );
  });
});
