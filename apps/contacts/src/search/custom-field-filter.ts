import { validationFailed, type FieldProblem } from '@crm/platform';
import { customFieldProblem, type Definition } from '../custom-fields/check-custom-fields';

const MAX_KEYS = 10;
const MAX_VALUES = 10;

/**
 * Reads `cf.<key>=value` filters: each key must be a defined custom field and
 * each value fit its type. Returns, per key, the JSON values any of which matches.
 */
export function parseCustomFieldFilters(
  raw: Record<string, unknown>,
  definitions: Definition[],
): { key: string; values: unknown[] }[] {
  const problems: FieldProblem[] = [];
  const byKey = new Map(definitions.map((d) => [d.key, d]));
  const entries = Object.entries(raw);
  if (entries.length > MAX_KEYS)
    throw validationFailed([{ field: 'cf', message: `at most ${MAX_KEYS} custom field filters` }]);
  const filters = entries.map(([key, given]) => {
    const field = `cf.${key}`;
    const def = byKey.get(key);
    const texts = Array.isArray(given) ? given : [given];
    if (!def) problems.push({ field, message: 'is not a defined custom field' });
    else if (texts.length > MAX_VALUES) problems.push({ field, message: `at most ${MAX_VALUES} values` });
    else if (texts.some((t) => typeof t !== 'string' || t.length === 0))
      problems.push({ field, message: 'needs a value' });
    if (!def || problems.length) return { key, values: [] };
    const values = (texts as string[]).map((t) => fromText(def.type, t));
    const problem = values.map((v) => customFieldProblem(def, v)).find((p) => p !== undefined);
    if (problem) problems.push({ field, message: problem });
    return { key, values };
  });
  if (problems.length) throw validationFailed(problems);
  return filters;
}

function fromText(type: Definition['type'], text: string): unknown {
  if (type === 'number') return text.trim() === '' ? text : Number.isFinite(Number(text)) ? Number(text) : text;
  if (type === 'boolean') return text === 'true' ? true : text === 'false' ? false : text;
  return text;
}
