/** The parts of an OpenAPI document the merge touches; everything else passes through. */
export interface OpenApiDocument {
  openapi: string;
  info: { title: string; version: string; description?: string; [k: string]: unknown };
  paths?: Record<string, Record<string, unknown>>;
  components?: { schemas?: Record<string, unknown>; securitySchemes?: Record<string, unknown>; [k: string]: unknown };
  tags?: { name: string; description?: string }[];
  security?: Record<string, string[]>[];
  [k: string]: unknown;
}

export interface ServiceDocument {
  service: string;
  /** First path segments the service owns; only its paths under them are published. */
  segments: string[];
  document?: OpenApiDocument;
  /** Why the document could not be had. */
  error?: string;
}

const HTTP_METHODS = new Set(['get', 'put', 'post', 'delete', 'options', 'head', 'patch', 'trace']);
const SCHEMA_REF = '#/components/schemas/';

function mapJson(value: unknown, visit: (node: Record<string, unknown>) => Record<string, unknown>): unknown {
  if (Array.isArray(value)) return value.map((v) => mapJson(v, visit));
  if (value && typeof value === 'object') {
    const out: Record<string, unknown> = {};
    for (const [k, v] of Object.entries(value)) out[k] = mapJson(v, visit);
    return visit(out);
  }
  return value;
}

/** OpenAPI 3.0 `nullable: true` becomes a 3.1 type union with "null". */
function toOpenApi31Schema(node: Record<string, unknown>): Record<string, unknown> {
  if (node['nullable'] !== true) return node;
  const { nullable: _nullable, ...rest } = node;
  const type = rest['type'];
  if (typeof type === 'string') return { ...rest, type: [type, 'null'] };
  if (Array.isArray(type)) return { ...rest, type: type.includes('null') ? type : [...type, 'null'] };
  return rest;
}

function renameRefs(node: Record<string, unknown>, renamed: Map<string, string>): Record<string, unknown> {
  const ref = node['$ref'];
  if (typeof ref === 'string' && ref.startsWith(SCHEMA_REF)) {
    const to = renamed.get(ref.slice(SCHEMA_REF.length));
    if (to) return { ...node, $ref: `${SCHEMA_REF}${to}` };
  }
  return node;
}

function firstSegment(path: string): string {
  return path.split('/')[1] ?? '';
}

/**
 * One OpenAPI 3.1 document: the gateway's own routes plus each service's
 * routes under the segments it owns, prefixed with /api/v1. Schema names two
 * services share are prefixed with the service name; operation ids always are.
 */
export function mergeOpenApi(gateway: OpenApiDocument, services: ServiceDocument[]): OpenApiDocument {
  const paths: Record<string, Record<string, unknown>> = {};
  const schemas: Record<string, unknown> = { ...(gateway.components?.schemas ?? {}) };
  const securitySchemes: Record<string, unknown> = {
    bearer: { type: 'http', scheme: 'bearer', bearerFormat: 'JWT' },
    apiKey: { type: 'apiKey', in: 'header', name: 'X-Api-Key' },
  };
  const tags = new Map<string, { name: string; description?: string }>();
  for (const t of gateway.tags ?? []) tags.set(t.name, t);
  for (const [path, item] of Object.entries(gateway.paths ?? {})) {
    if (path.startsWith('/api/')) paths[path] = item;
  }

  const missing: { service: string; reason: string }[] = [];
  for (const s of services) {
    if (!s.document) {
      missing.push({ service: s.service, reason: s.error ?? 'no document' });
      continue;
    }
    const renamed = new Map<string, string>();
    for (const name of Object.keys(s.document.components?.schemas ?? {})) {
      if (name in schemas) renamed.set(name, `${s.service}.${name}`);
    }
    const doc = mapJson(s.document, (node) => renameRefs(node, renamed)) as OpenApiDocument;
    for (const [name, schema] of Object.entries(doc.components?.schemas ?? {})) {
      schemas[renamed.get(name) ?? name] = schema;
    }
    for (const [name, scheme] of Object.entries(doc.components?.securitySchemes ?? {})) {
      if (!(name in securitySchemes)) securitySchemes[name] = scheme;
    }
    for (const t of doc.tags ?? []) if (!tags.has(t.name)) tags.set(t.name, t);
    for (const [path, item] of Object.entries(doc.paths ?? {})) {
      if (!s.segments.includes(firstSegment(path))) continue;
      const out: Record<string, unknown> = {};
      for (const [key, value] of Object.entries(item)) {
        if (HTTP_METHODS.has(key) && value && typeof value === 'object') {
          const op = value as { operationId?: string; tags?: string[] };
          out[key] = {
            ...op,
            ...(op.operationId ? { operationId: `${s.service}.${op.operationId}` } : {}),
            tags: op.tags?.length ? op.tags : [s.service],
          };
        } else {
          out[key] = value;
        }
      }
      paths[`/api/v1${path}`] = out;
    }
  }

  const merged: OpenApiDocument = {
    openapi: '3.1.0',
    info: {
      title: 'CRM API',
      version: '1',
      description:
        'Every route of the suite through the gateway. Authenticate with a bearer JWT or an X-Api-Key.' +
        (missing.length ? ` Not included (service did not answer): ${missing.map((m) => m.service).join(', ')}.` : ''),
    },
    servers: [{ url: '/' }],
    security: [{ bearer: [] }, { apiKey: [] }],
    tags: [...tags.values()],
    paths: Object.fromEntries(Object.entries(paths).sort(([a], [b]) => a.localeCompare(b))),
    components: { schemas, securitySchemes },
    'x-missing': missing,
  };
  return mapJson(merged, toOpenApi31Schema) as OpenApiDocument;
}
