import type { FieldProblem } from '@crm/platform';

/**
 * A dynamic segment's definition: a tree of and/or/not over conditions on the
 * contact mirror. It is compiled to one parameterised SQL expression over
 * `contact_mirror m`: field names map to fixed columns (never interpolated
 * from input), every value is a bind parameter, and the tree is bounded in
 * depth, size and list lengths, so a definition cannot build a query that
 * runs away.
 */
export type FilterNode =
  | { and: FilterNode[] }
  | { or: FilterNode[] }
  | { not: FilterNode }
  | { field: string; op: string; value?: unknown };

export const FILTER_LIMITS = { depth: 6, nodes: 100, children: 20, listItems: 500, text: 200, days: 3650 } as const;

type Kind = 'text' | 'number' | 'date' | 'uuid';

/** Scalar fields: the column each reads and its kind. */
const SCALAR: Record<string, { column: string; kind: Kind }> = {
  country: { column: 'm.country', kind: 'text' },
  region: { column: 'm.region', kind: 'text' },
  city: { column: 'm.city', kind: 'text' },
  locale: { column: 'm.locale', kind: 'text' },
  lifecycleStage: { column: 'm.lifecycle_stage', kind: 'text' },
  sourceChannel: { column: 'm.source_channel', kind: 'text' },
  sourceCampaign: { column: 'm.source_campaign', kind: 'text' },
  utmSource: { column: 'm.utm_source', kind: 'text' },
  utmMedium: { column: 'm.utm_medium', kind: 'text' },
  utmCampaign: { column: 'm.utm_campaign', kind: 'text' },
  rfmSegment: { column: 'm.rfm_segment', kind: 'text' },
  accountId: { column: 'm.account_id', kind: 'uuid' },
  orderCount: { column: 'm.order_count', kind: 'number' },
  orderTotalMinor: { column: 'm.order_total_minor', kind: 'number' },
  clvMinor: { column: 'm.clv_minor', kind: 'number' },
  churnRisk: { column: 'm.churn_risk', kind: 'number' },
  birthDate: { column: 'm.birth_date', kind: 'date' },
  createdAt: { column: 'm.contact_created_at', kind: 'date' },
  firstOrderAt: { column: 'm.first_order_at', kind: 'date' },
  lastOrderAt: { column: 'm.last_order_at', kind: 'date' },
};

const OPS_BY_KIND: Record<Kind, string[]> = {
  text: ['eq', 'neq', 'in', 'notIn', 'isSet', 'isNotSet'],
  uuid: ['eq', 'neq', 'in', 'notIn', 'isSet', 'isNotSet'],
  number: ['eq', 'neq', 'gt', 'gte', 'lt', 'lte', 'between', 'isSet', 'isNotSet'],
  date: ['before', 'after', 'between', 'withinLastDays', 'notWithinLastDays', 'isSet', 'isNotSet'],
};
const TAG_OPS = ['hasTag', 'hasAnyTag', 'hasAllTags', 'hasNoTag'];
const CONSENT_OPS = ['consentedTo'];
const PRODUCT_OPS = ['boughtProduct', 'boughtAnyProduct', 'boughtCategory', 'boughtProductWithinDays'];
const CUSTOM_OPS = ['eq', 'neq', 'in', 'gt', 'gte', 'lt', 'lte', 'isSet', 'isNotSet'];
const CUSTOM_KEY = /^customFields\.([a-z][a-zA-Z0-9_]{0,39})$/;
const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;
const ISO_DATE = /^\d{4}-\d{2}-\d{2}(T\d{2}:\d{2}(:\d{2}(\.\d{1,6})?)?(Z|[+-]\d{2}:\d{2})?)?$/;
const NAME = /^[a-z][a-z_]{0,39}$/;

/** Every field a condition may name, for the API documentation and error messages. */
export const FILTER_FIELDS = [...Object.keys(SCALAR), 'tags', 'consent', 'products', 'customFields.<key>'];

export class FilterError extends Error {
  constructor(readonly problems: FieldProblem[]) {
    super(problems.map((p) => `${p.field}: ${p.message}`).join('; '));
  }
}

interface Compiled {
  sql: string;
}

/** Compiles a definition, appending its values to `params`; throws FilterError naming each bad field. */
export function compileFilter(definition: unknown, params: unknown[], root = 'definition'): string {
  const problems: FieldProblem[] = [];
  const counter = { nodes: 0 };
  const out = compileNode(definition, root, 1, params, problems, counter);
  if (problems.length) throw new FilterError(problems);
  return out.sql;
}

/** Validates a definition without keeping the SQL. */
export function checkFilter(definition: unknown, root = 'definition'): FieldProblem[] {
  try {
    compileFilter(definition, [], root);
    return [];
  } catch (e) {
    if (e instanceof FilterError) return e.problems;
    throw e;
  }
}

function isObject(v: unknown): v is Record<string, unknown> {
  return typeof v === 'object' && v !== null && !Array.isArray(v);
}

function compileNode(
  node: unknown,
  path: string,
  depth: number,
  params: unknown[],
  problems: FieldProblem[],
  counter: { nodes: number },
): Compiled {
  const fail = (field: string, message: string): Compiled => {
    problems.push({ field, message });
    return { sql: 'false' };
  };
  if (++counter.nodes > FILTER_LIMITS.nodes)
    return problems.some((p) => p.message.includes('conditions in all'))
      ? { sql: 'false' }
      : fail(path, `a definition holds at most ${FILTER_LIMITS.nodes} conditions in all`);
  if (depth > FILTER_LIMITS.depth) return fail(path, `nests deeper than ${FILTER_LIMITS.depth} levels`);
  if (!isObject(node)) return fail(path, 'must be an object: {and: [...]}, {or: [...]}, {not: {...}} or a condition');
  const keys = Object.keys(node);
  for (const combinator of ['and', 'or'] as const) {
    if (combinator in node) {
      if (keys.length !== 1) return fail(path, `an "${combinator}" node has no other keys`);
      const children = node[combinator];
      const at = `${path}.${combinator}`;
      if (!Array.isArray(children) || children.length === 0 || children.length > FILTER_LIMITS.children)
        return fail(at, `must be a list of 1 to ${FILTER_LIMITS.children} conditions`);
      const parts = children.map((c, i) => compileNode(c, `${at}.${i}`, depth + 1, params, problems, counter).sql);
      return { sql: `(${parts.join(combinator === 'and' ? ' AND ' : ' OR ')})` };
    }
  }
  if ('not' in node) {
    if (keys.length !== 1) return fail(path, 'a "not" node has no other keys');
    return { sql: `(NOT ${compileNode(node['not'], `${path}.not`, depth + 1, params, problems, counter).sql})` };
  }
  const unknownKeys = keys.filter((k) => !['field', 'op', 'value'].includes(k));
  if (unknownKeys.length) return fail(`${path}.${unknownKeys[0]}`, 'is not a key of a condition (field, op, value)');
  const field = node['field'];
  const op = node['op'];
  if (typeof field !== 'string') return fail(`${path}.field`, `must be one of ${FILTER_FIELDS.join(', ')}`);
  if (typeof op !== 'string') return fail(`${path}.op`, 'must be a string');
  return compileCondition(field, op, node['value'], path, params, problems);
}

function compileCondition(
  field: string,
  op: string,
  value: unknown,
  path: string,
  params: unknown[],
  problems: FieldProblem[],
): Compiled {
  const fail = (f: string, message: string): Compiled => {
    problems.push({ field: f, message });
    return { sql: 'false' };
  };
  const vPath = `${path}.value`;
  const p = (v: unknown, cast = ''): string => {
    params.push(v);
    return `$${params.length}${cast}`;
  };
  const text = (v: unknown): string | null =>
    typeof v === 'string' && v.length > 0 && v.length <= FILTER_LIMITS.text ? v : null;
  const list = (v: unknown, each: (x: unknown) => unknown | null): unknown[] | null => {
    if (!Array.isArray(v) || v.length === 0 || v.length > FILTER_LIMITS.listItems) return null;
    const out = v.map(each);
    return out.some((x) => x === null) ? null : out;
  };
  const days = (v: unknown): number | null =>
    Number.isInteger(v) && (v as number) >= 1 && (v as number) <= FILTER_LIMITS.days ? (v as number) : null;
  const badOp = (ops: string[]) => fail(`${path}.op`, `for ${field} must be one of ${ops.join(', ')}`);

  if (field === 'tags') {
    if (!TAG_OPS.includes(op)) return badOp(TAG_OPS);
    if (op === 'hasTag' || op === 'hasNoTag') {
      const t = text(value);
      if (t === null) return fail(vPath, `must be a tag of 1 to ${FILTER_LIMITS.text} characters`);
      return { sql: op === 'hasTag' ? `(m.tags @> ARRAY[${p(t)}::text])` : `(NOT m.tags @> ARRAY[${p(t)}::text])` };
    }
    const tags = list(value, text);
    if (!tags) return fail(vPath, `must be a list of 1 to ${FILTER_LIMITS.listItems} tags`);
    return { sql: op === 'hasAnyTag' ? `(m.tags && ${p(tags, '::text[]')})` : `(m.tags @> ${p(tags, '::text[]')})` };
  }
  if (field === 'consent') {
    if (!CONSENT_OPS.includes(op)) return badOp(CONSENT_OPS);
    const named = (v: unknown) => typeof v === 'string' && NAME.test(v);
    if (!isObject(value) || !named(value['channel']) || !named(value['purpose']))
      return fail(vPath, 'must be {channel, purpose}, e.g. {"channel": "email", "purpose": "marketing"}');
    return {
      sql: `EXISTS (SELECT 1 FROM consent_mirror c WHERE c.contact_id = m.contact_id AND c.channel = ${p(value['channel'])} AND c.purpose = ${p(value['purpose'])} AND c.granted)`,
    };
  }
  if (field === 'products') {
    if (!PRODUCT_OPS.includes(op)) return badOp(PRODUCT_OPS);
    if (op === 'boughtProduct' || op === 'boughtCategory') {
      const t = text(value);
      if (t === null) return fail(vPath, 'must be a product id, SKU or category');
      return { sql: `(m.${op === 'boughtProduct' ? 'products' : 'categories'} @> ARRAY[${p(t)}::text])` };
    }
    if (op === 'boughtAnyProduct') {
      const items = list(value, text);
      if (!items) return fail(vPath, `must be a list of 1 to ${FILTER_LIMITS.listItems} product ids or SKUs`);
      return { sql: `(m.products && ${p(items, '::text[]')})` };
    }
    if (!isObject(value) || text(value['product']) === null || days(value['days']) === null)
      return fail(vPath, `must be {product, days} with days from 1 to ${FILTER_LIMITS.days}`);
    return {
      sql: `EXISTS (SELECT 1 FROM mirror_orders o WHERE o.contact_id = m.contact_id AND o.status NOT IN ('cancelled', 'refunded') AND o.products @> ARRAY[${p(value['product'])}::text] AND o.placed_at >= now() - make_interval(days => ${p(value['days'], '::int')}))`,
    };
  }
  const custom = CUSTOM_KEY.exec(field);
  if (custom) {
    if (!CUSTOM_OPS.includes(op)) return badOp(CUSTOM_OPS);
    const key = p(custom[1]);
    const el = `m.custom_fields -> ${key}`;
    if (op === 'isSet' || op === 'isNotSet') {
      if (value !== undefined) return fail(vPath, `takes no value with ${op}`);
      return { sql: op === 'isSet' ? `(m.custom_fields ? ${key})` : `(NOT m.custom_fields ? ${key})` };
    }
    if (['gt', 'gte', 'lt', 'lte'].includes(op)) {
      if (typeof value !== 'number' || !Number.isFinite(value)) return fail(vPath, 'must be a number');
      const cmp = { gt: '>', gte: '>=', lt: '<', lte: '<=' }[op];
      return {
        sql: `(CASE WHEN jsonb_typeof(${el}) = 'number' THEN (${el})::numeric ${cmp} ${p(value, '::numeric')} ELSE false END)`,
      };
    }
    const scalar = (v: unknown) =>
      (typeof v === 'string' && v.length <= FILTER_LIMITS.text) || typeof v === 'boolean' || Number.isFinite(v)
        ? JSON.stringify(v)
        : null;
    if (op === 'in') {
      const items = list(value, scalar);
      if (!items) return fail(vPath, `must be a list of 1 to ${FILTER_LIMITS.listItems} strings, numbers or booleans`);
      return { sql: `COALESCE(${el} = ANY(${p(items, '::jsonb[]')}), false)` };
    }
    const one = scalar(value);
    if (one === null) return fail(vPath, 'must be a string, number or boolean');
    return op === 'eq'
      ? { sql: `COALESCE(${el} = ${p(one, '::jsonb')}, false)` }
      : { sql: `(${el} IS DISTINCT FROM ${p(one, '::jsonb')})` };
  }
  const def = SCALAR[field];
  if (!def) return fail(`${path}.field`, `must be one of ${FILTER_FIELDS.join(', ')}`);
  const ops = OPS_BY_KIND[def.kind];
  if (!ops.includes(op)) return badOp(ops);
  const col = def.column;
  if (op === 'isSet' || op === 'isNotSet') {
    if (value !== undefined) return fail(vPath, `takes no value with ${op}`);
    return { sql: `(${col} IS ${op === 'isSet' ? 'NOT ' : ''}NULL)` };
  }
  const scalarOf = (v: unknown): unknown | null => {
    switch (def.kind) {
      case 'text':
        return text(v);
      case 'uuid':
        return typeof v === 'string' && UUID.test(v) ? v.toLowerCase() : null;
      case 'number':
        return typeof v === 'number' && Number.isFinite(v) && Math.abs(v) < 1e15 ? v : null;
      case 'date':
        return typeof v === 'string' && ISO_DATE.test(v) && !Number.isNaN(Date.parse(v)) ? v : null;
    }
  };
  const what = { text: 'a string', uuid: 'a UUID', number: 'a number', date: 'an ISO 8601 date' }[def.kind];
  const cast = { text: '::text', uuid: '::uuid', number: '::numeric', date: '::timestamptz' }[def.kind];
  const column = def.kind === 'date' ? `${col}::timestamptz` : col;
  if (op === 'in' || op === 'notIn') {
    const items = list(value, scalarOf);
    if (!items) return fail(vPath, `must be a list of 1 to ${FILTER_LIMITS.listItems} values, each ${what}`);
    const any = `${col} = ANY(${p(items, `${cast}[]`)})`;
    return { sql: op === 'in' ? `COALESCE(${any}, false)` : `(NOT COALESCE(${any}, false))` };
  }
  if (op === 'between') {
    const pair = Array.isArray(value) && value.length === 2 ? value.map(scalarOf) : null;
    if (!pair || pair.some((x) => x === null)) return fail(vPath, `must be [from, to], each ${what}`);
    return { sql: `COALESCE(${column} BETWEEN ${p(pair[0], cast)} AND ${p(pair[1], cast)}, false)` };
  }
  if (op === 'withinLastDays' || op === 'notWithinLastDays') {
    const n = days(value);
    if (n === null) return fail(vPath, `must be a whole number of days from 1 to ${FILTER_LIMITS.days}`);
    const within = `COALESCE(${column} >= now() - make_interval(days => ${p(n, '::int')}), false)`;
    return { sql: op === 'withinLastDays' ? within : `(NOT ${within})` };
  }
  const one = scalarOf(value);
  if (one === null) return fail(vPath, `must be ${what}`);
  const cmp = { eq: '=', gt: '>', gte: '>=', lt: '<', lte: '<=', before: '<', after: '>' }[op as 'eq'];
  if (op === 'neq') return { sql: `(${col} IS DISTINCT FROM ${p(one, cast)})` };
  return { sql: `COALESCE(${column} ${cmp} ${p(one, cast)}, false)` };
}
