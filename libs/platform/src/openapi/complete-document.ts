import type { OpenAPIObject, OperationObject, ParameterObject, ReferenceObject, ResponseObject } from '@nestjs/swagger';
import { PROBLEM_CONTENT_TYPE } from '../errors/problem';
import {
  IF_MATCH_PARAMETER,
  IF_MATCH_PARAMETER_NAME,
  IF_MATCH_PARAMETER_REF,
  PROBLEM_SCHEMA,
  PROBLEM_SCHEMA_NAME,
  PROBLEM_SCHEMA_REF,
} from './problem-schema';

export const REQUIRED_PERMISSION_EXTENSION = 'x-required-permission';

const METHODS = ['get', 'put', 'post', 'delete', 'patch', 'head', 'options', 'trace'] as const;

/** What the shared mechanisms (validation pipe, guard, problem filter) answer, so no controller has to say it. */
const DEFAULT_PROBLEMS: Record<string, string> = {
  '400': 'VALIDATION_FAILED (or MALFORMED_JSON): the request does not fit; `errors` names each field',
  '401': 'UNAUTHENTICATED: no valid bearer token or API key',
  '403': 'FORBIDDEN: the caller lacks the permission this operation requires',
  '404': 'Nothing with that id',
  '412': 'VERSION_CONFLICT: If-Match names an older version; read again and retry',
  '500': 'INTERNAL_ERROR: an unexpected error; the request id in the answer finds it in the logs',
};

type Parameter = ParameterObject | ReferenceObject;

/** The longest value each string format can have, so a formatted string is bounded without every DTO saying so. */
const FORMAT_MAX_LENGTH: Record<string, number> = { uuid: 36, 'date-time': 35, date: 10, email: 254, uri: 2048 };

function boundFormattedStrings(node: unknown): void {
  if (Array.isArray(node)) return node.forEach(boundFormattedStrings);
  if (!node || typeof node !== 'object') return;
  const schema = node as Record<string, unknown>;
  const max = typeof schema['format'] === 'string' ? FORMAT_MAX_LENGTH[schema['format']] : undefined;
  if (schema['type'] === 'string' && max && schema['maxLength'] === undefined) schema['maxLength'] = max;
  Object.values(schema).forEach(boundFormattedStrings);
}

const isRef = (p: Parameter): p is ReferenceObject => '$ref' in p;

function permissionLine(permission: unknown): string | undefined {
  if (typeof permission === 'string') return `Requires the \`${permission}\` permission.`;
  if (Array.isArray(permission) && permission.length)
    return `Requires the ${permission.map((p) => `\`${String(p)}\``).join(' and ')} permissions.`;
  return undefined;
}

function completeOperation(path: string, op: OperationObject): void {
  const parameters: Parameter[] = [];
  let ifMatch = false;
  for (const p of op.parameters ?? []) {
    if (!isRef(p) && p.in === 'header' && p.name.toLowerCase() === 'if-match') {
      ifMatch = true;
      continue;
    }
    parameters.push(p);
  }
  const declared = new Set(parameters.flatMap((p) => (!isRef(p) && p.in === 'path' ? [p.name] : [])));
  const templated = [...path.matchAll(/\{([^}]+)\}/g)].map((m) => m[1]);
  for (const name of templated) {
    if (!declared.has(name))
      parameters.push({ name, in: 'path', required: true, schema: { type: 'string', maxLength: 200 } });
  }
  if (ifMatch) parameters.push({ $ref: IF_MATCH_PARAMETER_REF });
  op.parameters = parameters;

  const line = permissionLine((op as { [REQUIRED_PERMISSION_EXTENSION]?: unknown })[REQUIRED_PERMISSION_EXTENSION]);
  if (line && !op.description?.includes(line)) op.description = op.description ? `${op.description}\n\n${line}` : line;

  const responses = op.responses as Record<string, ResponseObject>;
  const takesInput = parameters.some((p) => isRef(p) || p.in !== 'header') || Boolean(op.requestBody);
  const wanted = [
    ...(takesInput ? ['400'] : []),
    ...(op.security?.length ? ['401', '403'] : []),
    ...(templated.length ? ['404'] : []),
    ...(ifMatch ? ['412'] : []),
    '500',
  ];
  for (const status of wanted) responses[status] ??= { description: DEFAULT_PROBLEMS[status] };
  for (const [status, response] of Object.entries(responses)) {
    if (Number(status) >= 400) {
      // Every failure is the one shared problem+json shape, whatever the decorator said.
      responses[status] = {
        ...response,
        description: response.description || DEFAULT_PROBLEMS[status] || 'A problem',
        content: { [PROBLEM_CONTENT_TYPE]: { schema: { $ref: PROBLEM_SCHEMA_REF } } },
      };
    } else if (!response.description) {
      response.description = status === '204' ? 'Done; no body' : 'OK';
    }
  }
  op.responses = Object.fromEntries(Object.entries(responses).sort(([a], [b]) => a.localeCompare(b)));
}

/**
 * Completes a service's document the same way in every service: the shared
 * Problem schema and If-Match parameter, declared once and referred to; path
 * parameters the route has; the problems the platform itself answers; each
 * operation's required permission in its description; the tags it uses.
 */
export function completeDocument(document: OpenAPIObject): OpenAPIObject {
  const components = (document.components ??= {});
  components.schemas = { ...components.schemas, [PROBLEM_SCHEMA_NAME]: PROBLEM_SCHEMA };
  components.parameters = { ...components.parameters, [IF_MATCH_PARAMETER_NAME]: IF_MATCH_PARAMETER };
  const tags = new Map((document.tags ?? []).map((t) => [t.name, t]));
  for (const [path, item] of Object.entries(document.paths)) {
    for (const method of METHODS) {
      const op = item[method];
      if (!op) continue;
      completeOperation(path, op);
      for (const tag of op.tags ?? []) if (!tags.has(tag)) tags.set(tag, { name: tag });
    }
  }
  document.tags = [...tags.values()];
  boundFormattedStrings(document.paths);
  boundFormattedStrings(document.components);
  return document;
}
