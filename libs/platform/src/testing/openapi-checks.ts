import { Document, Spectral, type ISpectralDiagnostic, type RulesetDefinition } from '@stoplight/spectral-core';
import { Json } from '@stoplight/spectral-parsers';
import { oas } from '@stoplight/spectral-rulesets';
import owasp from '@stoplight/spectral-owasp-ruleset';

/**
 * The checks every service's OpenAPI spec makes of its own document (what
 * the gateway merges and the console is typed from): spectral's OAS and
 * OWASP rulesets, and each operation's contract (permission, 401/403, path
 * parameters, an answer). Test code only: spectral is a dev dependency.
 */

export interface CheckedParameter {
  $ref?: string;
  name?: string;
  in?: string;
  required?: boolean;
}

export interface CheckedOperation {
  description?: string;
  parameters?: CheckedParameter[];
  responses: Record<string, { content?: Record<string, { schema?: unknown }>; headers?: Record<string, unknown> }>;
  security?: Record<string, string[]>[];
  'x-required-permission'?: string;
}

export interface CheckedDocument {
  paths: Record<string, Record<string, CheckedOperation>>;
}

/** `GET /tickets/{id}` and its operation. */
export type OperationEntry = [name: string, operation: CheckedOperation];

const METHODS = ['get', 'post', 'put', 'patch', 'delete'];
const RULESETS = { oas, owasp } as const;

export function lintOpenApi(doc: unknown, ruleset: keyof typeof RULESETS): Promise<ISpectralDiagnostic[]> {
  const spectral = new Spectral();
  spectral.setRuleset({ extends: [[RULESETS[ruleset] as RulesetDefinition, 'recommended']] });
  return spectral.run(new Document(JSON.stringify(doc, null, 2), Json));
}

const under = (paths: RegExp | undefined, f: ISpectralDiagnostic) =>
  !paths || f.path[0] !== 'paths' || paths.test(String(f.path[1]));

/** spectral:oas errors as `code path`, those of other services' paths (not matching `paths`) left out. */
export async function oasErrors(doc: unknown, paths?: RegExp): Promise<string[]> {
  return (await lintOpenApi(doc, 'oas'))
    .filter((f) => f.severity === 0 && under(paths, f))
    .map((f) => `${f.code} ${f.path.join('.')}`);
}

/** The operations of the paths matching `paths` (all when omitted). */
export function operationsOf(doc: CheckedDocument, paths?: RegExp): OperationEntry[] {
  return Object.entries(doc.paths)
    .filter(([path]) => !paths || paths.test(path))
    .flatMap(([path, item]) =>
      METHODS.filter((m) => item[m]).map((m): OperationEntry => [`${m.toUpperCase()} ${path}`, item[m]]),
    );
}

export interface ContractRules {
  /** Every non-public operation's x-required-permission starts with it (`support:`). */
  permission: string;
  /** Reached without a login (`GET /csat/{token}`): no security, no permission, no 401/403 asked. */
  publicOperations?: readonly string[];
}

/**
 * What each operation fails of the contract, as `GET /x: what`: every path
 * parameter declared; a permission with 401 and 403 (or none at all for a
 * public one); a 2xx or 3xx; every 2xx but 204 with a schema, every 3xx with
 * its Location header.
 */
export function contractProblems(operations: OperationEntry[], rules: ContractRules): string[] {
  const wrong: string[] = [];
  for (const [name, op] of operations) {
    const path = name.split(' ')[1];
    const declared = new Set((op.parameters ?? []).flatMap((p) => (p.in === 'path' && p.name ? [p.name] : [])));
    for (const [, param] of path.matchAll(/\{([^}]+)\}/g))
      if (!declared.has(param)) wrong.push(`${name}: path parameter ${param}`);
    const statuses = Object.keys(op.responses);
    if (rules.publicOperations?.includes(name)) {
      if (op.security?.length || op['x-required-permission']) wrong.push(`${name}: public, yet asks a login`);
    } else {
      if (!op['x-required-permission']?.startsWith(rules.permission))
        wrong.push(`${name}: no ${rules.permission} permission`);
      for (const status of ['401', '403']) if (!statuses.includes(status)) wrong.push(`${name}: no ${status}`);
    }
    const answers = statuses.filter((s) => s.startsWith('2') || s.startsWith('3'));
    if (!answers.length) wrong.push(`${name}: no 2xx or 3xx`);
    for (const s of answers) {
      if (s.startsWith('3')) {
        if (!op.responses[s].headers?.['Location']) wrong.push(`${name}: ${s} has no Location header`);
      } else if (s !== '204' && !Object.values(op.responses[s].content ?? {}).some((c) => c.schema)) {
        wrong.push(`${name}: ${s} has no schema`);
      }
    }
  }
  return wrong;
}

/**
 * The request strings and arrays of the paths matching `paths` that OWASP
 * api4 finds unbounded, as `query cursor` for a parameter (or the finding's
 * path for a body field). Answers are left out: they are what the service
 * makes, described by their schemas; so are components' own findings, which
 * repeat an operation's.
 */
export async function unboundedRequestFields(doc: CheckedDocument, paths?: RegExp): Promise<string[]> {
  const unbounded = (await lintOpenApi(doc, 'owasp'))
    .filter((f) => /api4:2023-(string|array)-limit$/.test(String(f.code)))
    .filter((f) => f.path[0] === 'paths' && under(paths, f))
    .filter((f) => !f.path.includes('responses'))
    .map((f) => {
      const at = /^paths\.(.+)\.(get|post|put|patch|delete)\.parameters\.(\d+)\./.exec(f.path.join('.'));
      const param = at ? doc.paths[at[1]]?.[at[2]]?.parameters?.[Number(at[3])] : undefined;
      return param?.name ? `${param.in} ${param.name}` : f.path.join('.');
    });
  return [...new Set(unbounded)].sort();
}
