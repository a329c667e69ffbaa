/**
 * Where an answer strays from the 200 schema the service's own OpenAPI
 * document declares for it: a missing or undeclared field, a wrong type, a
 * null where none is allowed, a string or list past its bound, a value
 * outside its enum or limits. The specs call the real routes and expect none.
 */
interface Schema {
  $ref?: string;
  allOf?: Schema[];
  type?: string;
  nullable?: boolean;
  enum?: unknown[];
  properties?: Record<string, Schema>;
  required?: string[];
  additionalProperties?: Schema | boolean;
  items?: Schema;
  maxItems?: number;
  maxLength?: number;
  pattern?: string;
  format?: string;
  minimum?: number;
  maximum?: number;
}

export interface OpenApiDocument {
  paths: Record<
    string,
    Record<
      string,
      {
        responses: Record<
          string,
          { description?: string; content?: Record<string, { schema?: Schema }>; headers?: Record<string, unknown> }
        >;
      }
    >
  >;
  components: { schemas: Record<string, Schema> };
}

function resolve(doc: OpenApiDocument, s: Schema): Schema {
  if (!s.$ref) return s;
  return resolve(doc, doc.components.schemas[s.$ref.replace('#/components/schemas/', '')]);
}

function check(doc: OpenApiDocument, raw: Schema, value: unknown, at: string, out: string[]): void {
  const s = resolve(doc, raw);
  if (s.allOf) {
    if (value === null && s.nullable) return;
    for (const part of s.allOf) check(doc, part, value, at, out);
    return;
  }
  if (value === null) {
    if (!s.nullable) out.push(`${at}: null, not nullable`);
    return;
  }
  if (value === undefined) {
    out.push(`${at}: missing`);
    return;
  }
  if (s.enum && !s.enum.includes(value)) out.push(`${at}: ${JSON.stringify(value)} not in the enum`);
  switch (s.type) {
    case 'object': {
      if (typeof value !== 'object' || Array.isArray(value)) {
        out.push(`${at}: not an object`);
        return;
      }
      const record = value as Record<string, unknown>;
      for (const key of s.required ?? []) if (!(key in record)) out.push(`${at}.${key}: missing`);
      for (const [key, v] of Object.entries(record)) {
        const declared = s.properties?.[key];
        if (declared) check(doc, declared, v, `${at}.${key}`, out);
        else if (typeof s.additionalProperties === 'object') check(doc, s.additionalProperties, v, `${at}.${key}`, out);
        else if (s.additionalProperties !== true) out.push(`${at}.${key}: not declared`);
      }
      return;
    }
    case 'array':
      if (!Array.isArray(value)) {
        out.push(`${at}: not an array`);
        return;
      }
      if (s.maxItems !== undefined && value.length > s.maxItems) out.push(`${at}: more than ${s.maxItems} items`);
      value.forEach((v, i) => s.items && check(doc, s.items, v, `${at}[${i}]`, out));
      return;
    case 'string':
      if (typeof value !== 'string') out.push(`${at}: ${JSON.stringify(value)} not a string`);
      else {
        if (s.maxLength !== undefined && value.length > s.maxLength) out.push(`${at}: longer than ${s.maxLength}`);
        if (s.pattern && !new RegExp(s.pattern).test(value)) out.push(`${at}: ${value} does not match ${s.pattern}`);
        if (s.format === 'date' && !/^\d{4}-\d{2}-\d{2}$/.test(value)) out.push(`${at}: ${value} not a date`);
        if (s.format === 'date-time' && Number.isNaN(Date.parse(value))) out.push(`${at}: ${value} not a date-time`);
        if (s.format === 'uuid' && !/^[0-9a-f-]{36}$/i.test(value)) out.push(`${at}: ${value} not a uuid`);
      }
      return;
    case 'integer':
    case 'number':
      if (typeof value !== 'number' || !Number.isFinite(value))
        out.push(`${at}: ${JSON.stringify(value)} not a number`);
      else {
        if (s.type === 'integer' && !Number.isInteger(value)) out.push(`${at}: ${value} not an integer`);
        if (s.minimum !== undefined && value < s.minimum) out.push(`${at}: ${value} below ${s.minimum}`);
        if (s.maximum !== undefined && value > s.maximum) out.push(`${at}: ${value} above ${s.maximum}`);
      }
      return;
    case 'boolean':
      if (typeof value !== 'boolean') out.push(`${at}: not a boolean`);
      return;
    default:
      return;
  }
}

/** The violations of `body` against the 200 (or 201, or 202) schema of `method path` (path as the document spells it). */
export function answerViolations(doc: OpenApiDocument, method: string, path: string, body: unknown): string[] {
  const op = doc.paths[path]?.[method.toLowerCase()];
  if (!op) return [`${method} ${path}: not in the document`];
  const schema = (op.responses['200'] ?? op.responses['201'] ?? op.responses['202'])?.content?.['application/json']
    ?.schema;
  if (!schema) return [`${method} ${path}: no answer schema`];
  const out: string[] = [];
  check(doc, schema, body, '$', out);
  return out;
}

const OPERATION_METHODS = ['get', 'post', 'put', 'patch', 'delete'];

/**
 * The operations (`GET /path`) of `doc` whose path matches `paths` and that
 * declare no schema for a 2xx answer other than 204 (nor a redirect with its
 * Location header): what a client generator would type as `unknown`. A
 * download counts when one of its media types has a schema.
 */
export function operationsWithoutAnswerSchema(doc: OpenApiDocument, paths = /./): string[] {
  const missing: string[] = [];
  for (const [path, item] of Object.entries(doc.paths)) {
    if (!paths.test(path)) continue;
    for (const method of OPERATION_METHODS) {
      const op = item[method];
      if (!op) continue;
      const statuses = Object.keys(op.responses);
      const described =
        statuses.some(
          (s) =>
            s.startsWith('2') && (s === '204' || Object.values(op.responses[s].content ?? {}).some((c) => c.schema)),
        ) ||
        // A redirect answers where to go: its Location header.
        statuses.some((s) => s.startsWith('3') && s !== '304' && op.responses[s].headers?.['Location'] !== undefined);
      if (!described) missing.push(`${method.toUpperCase()} ${path}`);
    }
  }
  return missing;
}
