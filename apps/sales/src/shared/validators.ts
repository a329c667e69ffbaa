import { ValidateBy, type ValidationOptions } from 'class-validator';

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

/** A query parameter that may appear once: `?stageId=a&stageId=b` is refused with a message saying so. */
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
