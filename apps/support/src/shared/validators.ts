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

/** A flat object of at most 50 keys (1-64 chars) to strings (<= 1000), numbers, booleans or null. */
export function IsCustomFields(options?: ValidationOptions): PropertyDecorator {
  return ValidateBy(
    {
      name: 'isCustomFields',
      validator: {
        validate: (value: unknown) => {
          if (typeof value !== 'object' || value === null || Array.isArray(value)) return false;
          const entries = Object.entries(value);
          return (
            entries.length <= 50 &&
            entries.every(
              ([k, v]) =>
                /^[A-Za-z][A-Za-z0-9_.-]{0,63}$/.test(k) &&
                (v === null ||
                  typeof v === 'boolean' ||
                  (typeof v === 'number' && Number.isFinite(v)) ||
                  (typeof v === 'string' && v.length <= 1000)),
            )
          );
        },
        defaultMessage: () =>
          'must be an object of at most 50 keys (letters, digits, _.-) to strings (up to 1000), numbers, booleans or null',
      },
    },
    options,
  );
}

/** A query parameter that may appear once. */
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
