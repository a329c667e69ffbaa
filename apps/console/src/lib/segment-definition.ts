/** One row of the segment builder. */
export interface Condition {
  field: string;
  op: string;
  value: string;
}

/** The fields the builder offers, with their operators (marketing's segment-filter.ts accepts more). */
export const FIELDS: { value: string; label: string; ops: string[]; kind: 'text' | 'number' | 'tag' }[] = [
  { value: 'tags', label: 'Tag', ops: ['hasTag', 'hasNoTag'], kind: 'tag' },
  { value: 'country', label: 'Country', ops: ['eq', 'neq', 'in', 'isSet', 'isNotSet'], kind: 'text' },
  { value: 'city', label: 'City', ops: ['eq', 'neq', 'in', 'isSet', 'isNotSet'], kind: 'text' },
  { value: 'lifecycleStage', label: 'Lifecycle stage', ops: ['eq', 'neq', 'in'], kind: 'text' },
  { value: 'sourceChannel', label: 'Source channel', ops: ['eq', 'neq', 'in'], kind: 'text' },
  { value: 'rfmSegment', label: 'RFM segment', ops: ['eq', 'neq', 'in'], kind: 'text' },
  { value: 'orderCount', label: 'Orders', ops: ['gte', 'gt', 'lt', 'lte', 'eq'], kind: 'number' },
  { value: 'clvMinor', label: 'CLV (minor units)', ops: ['gte', 'gt', 'lt', 'lte'], kind: 'number' },
];

export const OP_LABELS: Record<string, string> = {
  eq: 'is',
  neq: 'is not',
  in: 'is one of',
  isSet: 'is set',
  isNotSet: 'is not set',
  hasTag: 'has',
  hasNoTag: 'has not',
  gt: 'more than',
  gte: 'at least',
  lt: 'less than',
  lte: 'at most',
};

const NO_VALUE = new Set(['isSet', 'isNotSet']);
export const needsValue = (op: string): boolean => !NO_VALUE.has(op);

/** The builder's rows as the API's filter tree; rows still missing a value are left out. */
export function toDefinition(match: 'and' | 'or', rows: Condition[]): Record<string, unknown> | null {
  const conditions = rows
    .filter((r) => !needsValue(r.op) || r.value.trim() !== '')
    .map((r) => {
      const kind = FIELDS.find((f) => f.value === r.field)?.kind;
      if (!needsValue(r.op)) return { field: r.field, op: r.op };
      if (r.op === 'in')
        return {
          field: r.field,
          op: r.op,
          value: r.value
            .split(',')
            .map((v) => v.trim())
            .filter(Boolean),
        };
      return { field: r.field, op: r.op, value: kind === 'number' ? Number(r.value) : r.value.trim() };
    });
  if (!conditions.length) return null;
  return { [match]: conditions };
}
