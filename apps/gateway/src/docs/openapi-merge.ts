/** The parts of an OpenAPI document the merge touches; everything else passes through. */
export interface OpenApiDocument {
  openapi: string;
  info: { title: string; version: string; description?: string; [k: string]: unknown };
  paths?: Record<string, Record<string, unknown>>;
  components?: {
    schemas?: Record<string, unknown>;
    parameters?: Record<string, unknown>;
    securitySchemes?: Record<string, unknown>;
    [k: string]: unknown;
  };
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
/** Component sections whose entries services share by name: equal ones are kept once, different ones renamed. */
const SECTIONS = ['schemas', 'parameters', 'responses', 'headers'] as const;
type Section = (typeof SECTIONS)[number];
const PROBLEM_REF = '#/components/schemas/Problem';

/** What the gateway itself may answer on any route it serves, whoever owns it. */
const GATEWAY_PROBLEMS: Record<string, string> = {
  '429': 'RATE_LIMITED: too many requests from this client; retry after Retry-After seconds',
  '503':
    'SERVICE_UNAVAILABLE or AUTHENTICATION_UNAVAILABLE: the owning service or the identity provider cannot be reached; retry',
};

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
  if (typeof ref === 'string') {
    const to = renamed.get(ref);
    if (to) return { ...node, $ref: to };
  }
  return node;
}

const refTo = (section: Section, name: string) => `#/components/${section}/${name}`;

/** Stable for equal documents whatever their key order. */
function canonical(value: unknown): string {
  return JSON.stringify(value, (_k, v: unknown) =>
    v && typeof v === 'object' && !Array.isArray(v)
      ? Object.fromEntries(Object.entries(v).sort(([a], [b]) => a.localeCompare(b)))
      : v,
  );
}

/** Through the gateway, an operation that needs a caller takes either credential, and may meet the gateway's own refusals. */
function atTheGateway(op: Record<string, unknown>): Record<string, unknown> {
  const responses = { ...((op['responses'] as Record<string, unknown> | undefined) ?? {}) };
  for (const [status, description] of Object.entries(GATEWAY_PROBLEMS)) {
    responses[status] ??= {
      description,
      ...(status === '429'
        ? {
            headers: {
              'Retry-After': {
                description: 'Seconds to wait',
                schema: { type: 'integer', format: 'int32', minimum: 1, maximum: 3600 },
              },
            },
          }
        : {}),
      content: { 'application/problem+json': { schema: { $ref: PROBLEM_REF } } },
    };
  }
  const secured = Array.isArray(op['security']) && op['security'].length > 0;
  return {
    ...op,
    ...(secured ? { security: [{ bearer: [] }, { apiKey: [] }] } : {}),
    responses: Object.fromEntries(Object.entries(responses).sort(([a], [b]) => a.localeCompare(b))),
  };
}

function firstSegment(path: string): string {
  return path.split('/')[1] ?? '';
}

/**
 * One OpenAPI 3.1 document: the gateway's own routes plus each service's
 * routes under the segments it owns, prefixed with /api/v1. Components two
 * documents declare alike (the platform's Problem and If-Match) are kept
 * once; different ones of the same name are prefixed with the service name.
 * Operation ids always are.
 */
export function mergeOpenApi(gateway: OpenApiDocument, services: ServiceDocument[]): OpenApiDocument {
  const paths: Record<string, Record<string, unknown>> = {};
  const components: Record<Section, Record<string, unknown>> = {
    schemas: {},
    parameters: {},
    responses: {},
    headers: {},
  };
  for (const section of SECTIONS)
    Object.assign(components[section], (gateway.components?.[section] as Record<string, unknown> | undefined) ?? {});
  const securitySchemes: Record<string, unknown> = {
    bearer: {
      type: 'http',
      scheme: 'bearer',
      bearerFormat: 'JWT',
      description:
        'A JWT from the identity provider (RS256/ES256 checked against its JWKS) or a local HS256 token; issuer, audience, expiry and not-before are checked, `alg: none` and algorithm confusion are refused, as RFC8725 advises.',
    },
    apiKey: {
      type: 'apiKey',
      in: 'header',
      name: 'X-Api-Key',
      description: 'A key an admin made (POST /api/v1/admin/api-keys); it grants exactly its scopes.',
    },
  };
  const tags = new Map<string, { name: string; description?: string }>();
  for (const t of gateway.tags ?? []) tags.set(t.name, t);
  for (const [path, item] of Object.entries(gateway.paths ?? {})) {
    if (!path.startsWith('/api/')) continue;
    for (const op of Object.values(item))
      for (const tag of (op as { tags?: string[] } | null)?.tags ?? [])
        if (!tags.has(tag)) tags.set(tag, { name: tag });
    paths[path] = Object.fromEntries(
      Object.entries(item).map(([key, value]) => [
        key,
        HTTP_METHODS.has(key) && value && typeof value === 'object'
          ? atTheGateway(value as Record<string, unknown>)
          : value,
      ]),
    );
  }

  const missing: { service: string; reason: string }[] = [];
  for (const s of services) {
    if (!s.document) {
      missing.push({ service: s.service, reason: s.error ?? 'no document' });
      continue;
    }
    const renamed = new Map<string, string>();
    for (const section of SECTIONS) {
      for (const [name, value] of Object.entries(
        (s.document.components?.[section] as Record<string, unknown> | undefined) ?? {},
      )) {
        if (name in components[section] && canonical(components[section][name]) !== canonical(value)) {
          renamed.set(refTo(section, name), refTo(section, `${s.service}.${name}`));
        }
      }
    }
    const doc = mapJson(s.document, (node) => renameRefs(node, renamed)) as OpenApiDocument;
    for (const section of SECTIONS) {
      for (const [name, value] of Object.entries(
        (doc.components?.[section] as Record<string, unknown> | undefined) ?? {},
      )) {
        const to = renamed.get(refTo(section, name));
        components[section][to ? to.slice(refTo(section, '').length) : name] = value;
      }
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
          out[key] = atTheGateway({
            ...op,
            ...(op.operationId ? { operationId: `${s.service}.${op.operationId}` } : {}),
            tags: op.tags?.length ? op.tags : [s.service],
          });
          for (const tag of op.tags?.length ? op.tags : [s.service]) if (!tags.has(tag)) tags.set(tag, { name: tag });
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
        'Every route of the suite through the gateway. Authenticate with a bearer JWT or an X-Api-Key; each operation names the permission it requires (`x-required-permission`). ' +
        'Errors are RFC 9457 application/problem+json with a stable `code`.' +
        (missing.length ? ` Not included (service did not answer): ${missing.map((m) => m.service).join(', ')}.` : ''),
    },
    servers: [
      {
        url: '/',
        description: 'The gateway serving this document, in any environment (local, staging, production)',
        'x-internal': false,
      },
    ],
    security: [{ bearer: [] }, { apiKey: [] }],
    tags: [...tags.values()].sort((a, b) => a.name.localeCompare(b.name)),
    paths: Object.fromEntries(Object.entries(paths).sort(([a], [b]) => a.localeCompare(b))),
    components: {
      ...Object.fromEntries(
        SECTIONS.filter((section) => Object.keys(components[section]).length).map((section) => [
          section,
          components[section],
        ]),
      ),
      securitySchemes,
    },
    'x-missing': missing,
  };
  return mapJson(merged, toOpenApi31Schema) as OpenApiDocument;
}
