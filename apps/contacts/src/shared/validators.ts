import { ValidateBy, type ValidationOptions } from 'class-validator';

/** A `YYYY-MM-DD` date that is not after today (UTC), e.g. a birth date. */
export function IsNotFutureDate(options?: ValidationOptions): PropertyDecorator {
  return ValidateBy(
    {
      name: 'isNotFutureDate',
      validator: {
        validate: (value: unknown) => typeof value !== 'string' || value <= new Date().toISOString().slice(0, 10),
        defaultMessage: () => 'cannot be in the future',
      },
    },
    options,
  );
}

/** A string with at least one character that is not white space. */
export function IsNotBlank(options?: ValidationOptions): PropertyDecorator {
  return ValidateBy(
    {
      name: 'isNotBlank',
      validator: {
        validate: (value: unknown) => typeof value !== 'string' || value.trim().length > 0,
        defaultMessage: () => 'must not be blank',
      },
    },
    options,
  );
}

/** A query parameter that may appear once: `?stage=a&stage=b` is refused with a message saying so. */
export function IsGivenOnce(options?: ValidationOptions): PropertyDecorator {
  return ValidateBy(
    {
      name: 'isGivenOnce',
      validator: {
        validate: (value: unknown) => !Array.isArray(value),
        defaultMessage: () => 'may be given only once',
      },
    },
    options,
  );
}
