import type { FieldProblem } from '@crm/platform';
import type { CustomFieldDefinition } from './custom-field-definition.entity';
import { matchesPattern } from './safe-pattern';

/** A string field without its own maxLength takes at most this many characters. */
export const DEFAULT_MAX_LENGTH = 1000;

export type Definition = Pick<CustomFieldDefinition, 'key' | 'type' | 'required' | 'options' | 'pattern' | 'maxLength'>;

/**
 * Checks custom field values against their definitions; returns the problems,
 * each naming `customFields.<key>`. With `partial`, required fields may be absent.
 */
export function checkCustomFields(
  values: Record<string, unknown>,
  definitions: Definition[],
  partial = false,
): FieldProblem[] {
  const problems: FieldProblem[] = [];
  const byKey = new Map(definitions.map((d) => [d.key, d]));
  for (const [key, value] of Object.entries(values)) {
    const field = `customFields.${key}`;
    const def = byKey.get(key);
    if (!def) {
      problems.push({ field, message: 'is not a defined custom field' });
      continue;
    }
    if (value === null) {
      if (def.required) problems.push({ field, message: 'is required' });
      continue;
    }
    const problem = customFieldProblem(def, value);
    if (problem) problems.push({ field, message: problem });
  }
  if (!partial) {
    for (const def of definitions) {
      if (def.required && (values[def.key] === undefined || values[def.key] === null)) {
        problems.push({ field: `customFields.${def.key}`, message: 'is required' });
      }
    }
  }
  return problems;
}

/** What is wrong with one value of a defined field, or undefined. */
export function customFieldProblem(def: Definition, value: unknown): string | undefined {
  switch (def.type) {
    case 'string':
      if (typeof value !== 'string') return 'must be a string';
      if (value.length > (def.maxLength ?? DEFAULT_MAX_LENGTH))
        return `must be at most ${def.maxLength ?? DEFAULT_MAX_LENGTH} characters`;
      if (def.pattern && !matchesPattern(def.pattern, value)) return `must match ${def.pattern}`;
      return undefined;
    case 'number':
      return typeof value === 'number' && Number.isFinite(value) ? undefined : 'must be a number';
    case 'boolean':
      return typeof value === 'boolean' ? undefined : 'must be true or false';
    case 'date':
      return typeof value === 'string' && /^\d{4}-\d{2}-\d{2}$/.test(value) && !Number.isNaN(Date.parse(value))
        ? undefined
        : 'must be a date YYYY-MM-DD';
    case 'enum':
      return typeof value === 'string' && (def.options ?? []).includes(value)
        ? undefined
        : `must be one of ${(def.options ?? []).join(', ')}`;
  }
}
