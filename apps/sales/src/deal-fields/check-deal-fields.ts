import type { FieldProblem } from '@crm/platform';

export const DEAL_FIELD_TYPES = ['string', 'number', 'boolean', 'date', 'enum'] as const;
export type DealFieldType = (typeof DEAL_FIELD_TYPES)[number];

/** A string field without its own maxLength takes at most this many characters. */
export const DEFAULT_MAX_LENGTH = 1000;

export interface DealFieldDefinition {
  key: string;
  type: DealFieldType;
  required: boolean;
  options: string[] | null;
  maxLength: number | null;
}

/**
 * Checks custom field values against their definitions, as contacts does;
 * each problem names `customFields.<key>`. With `partial` (an update),
 * required fields may be absent but not cleared.
 */
export function checkDealFields(
  values: Record<string, unknown>,
  definitions: DealFieldDefinition[],
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
    const problem = valueProblem(def, value);
    if (problem) problems.push({ field, message: problem });
  }
  if (!partial) {
    for (const def of definitions) {
      if (def.required && (values[def.key] === undefined || values[def.key] === null))
        problems.push({ field: `customFields.${def.key}`, message: 'is required' });
    }
  }
  return problems;
}

function valueProblem(def: DealFieldDefinition, value: unknown): string | undefined {
  switch (def.type) {
    case 'string': {
      const max = def.maxLength ?? DEFAULT_MAX_LENGTH;
      if (typeof value !== 'string') return 'must be a string';
      return value.length > max ? `must be at most ${max} characters` : undefined;
    }
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
