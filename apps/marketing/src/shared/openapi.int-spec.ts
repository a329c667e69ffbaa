import { Document, Spectral, type ISpectralDiagnostic, type RulesetDefinition } from '@stoplight/spectral-core';
import { Json } from '@stoplight/spectral-parsers';
import { oas } from '@stoplight/spectral-rulesets';
import owasp from '@stoplight/spectral-owasp-ruleset';
import { operationsWithoutAnswerSchema, type OpenApiDocument } from '@crm/platform';
import { startMarketingApp, type MarketingTestApp } from '../testing/marketing-test-app';

jest.setTimeout(120_000);

interface Operation {
  description?: string;
  parameters?: ({ $ref: string } | { name: string; in: string })[];
  responses: Record<string, { content?: Record<string, { schema?: unknown }>; headers?: Record<string, unknown> }>;
  security?: unknown[];
  'x-required-permission'?: string;
}
interface OpenApi {
  paths: Record<string, Record<string, Operation>>;
}

async function lint(doc: unknown, ruleset: RulesetDefinition): Promise<ISpectralDiagnostic[]> {
  const spectral = new Spectral();
  spectral.setRuleset(ruleset);
  return spectral.run(new Document(JSON.stringify(doc, null, 2), Json));
}

const METHODS = ['get', 'post', 'put', 'patch', 'delete'];
/** The partner routes (/partners, /partner-agreements, /partner-exchange, ...) have their own spec. */
const NOT_PARTNER = /^\/(?!partner)/;
/**
 * Reached by a message's recipient without a login: the signed tracking links and the survey answer
 * link are the credential (the gateway lists the same paths as public).
 */
const PUBLIC = [
  'GET /t/o/{messageId}',
  'GET /t/c/{messageId}',
  'GET /t/u/{messageId}',
  'POST /t/u/{messageId}',
  'GET /s/{token}',
  'POST /s/{token}',
];

describe("marketing's OpenAPI document, but the partner routes (what the gateway merges)", () => {
  let t: MarketingTestApp;
  let doc: OpenApi;

  beforeAll(async () => {
    t = await startMarketingApp('openapi');
    const res = await fetch(`${t.base}/openapi.json`);
    expect(res.status).toBe(200);
    doc = (await res.json()) as OpenApi;
  });
  afterAll(() => t.close());

  const operations = () =>
    Object.entries(doc.paths)
      .filter(([path]) => NOT_PARTNER.test(path))
      .flatMap(([path, item]) =>
        METHODS.filter((m) => item[m]).map((m): [string, Operation] => [`${m.toUpperCase()} ${path}`, item[m]]),
      );

  it('has no spectral:oas error', async () => {
    const findings = await lint(doc, { extends: [[oas as RulesetDefinition, 'recommended']] });
    expect(
      findings
        .filter((f) => f.severity === 0)
        .filter((f) => f.path[0] !== 'paths' || NOT_PARTNER.test(String(f.path[1])))
        .map((f) => `${f.code} ${f.path.join('.')}`),
    ).toEqual([]);
  });

  it('declares for every operation its permission, problems and answer schema; the public links are the six known', () => {
    const wrong: string[] = [];
    const mine = operations();
    expect(mine.length).toBeGreaterThan(50);
    expect(mine.map(([name]) => name)).toEqual(expect.arrayContaining([...PUBLIC, 'GET /surveys']));
    for (const [name, op] of mine) {
      const path = name.split(' ')[1];
      const declared = new Set((op.parameters ?? []).flatMap((p) => ('in' in p && p.in === 'path' ? [p.name] : [])));
      for (const [, param] of path.matchAll(/\{([^}]+)\}/g))
        if (!declared.has(param)) wrong.push(`${name}: path parameter ${param}`);
      const statuses = Object.keys(op.responses);
      if (PUBLIC.includes(name)) {
        if (op.security?.length || op['x-required-permission']) wrong.push(`${name}: public, yet asks a login`);
      } else {
        if (!op['x-required-permission']?.startsWith('marketing:')) wrong.push(`${name}: no marketing permission`);
        for (const status of ['401', '403']) if (!statuses.includes(status)) wrong.push(`${name}: no ${status}`);
      }
      const success = statuses.filter((s) => s.startsWith('2') || s.startsWith('3'));
      if (!success.length) wrong.push(`${name}: no 2xx or 3xx`);
      for (const s of success.filter((x) => x !== '204' && !x.startsWith('3')))
        if (!Object.values(op.responses[s].content ?? {}).some((c) => c.schema))
          wrong.push(`${name}: ${s} has no schema`);
      for (const s of success.filter((x) => x.startsWith('3')))
        if (!op.responses[s].headers?.['Location']) wrong.push(`${name}: ${s} has no Location header`);
    }
    expect(wrong).toEqual([]);
  });

  it('types the answer of every operation (the click redirect by its 302 and Location)', () => {
    expect(operationsWithoutAnswerSchema(doc as unknown as OpenApiDocument, NOT_PARTNER)).toEqual([]);
  });

  it('bounds every request string and array of its own routes (OWASP api4), but the shared cursor', async () => {
    const findings = await lint(doc, { extends: [[owasp as RulesetDefinition, 'recommended']] });
    const unbounded = findings
      .filter((f) => /api4:2023-(string|array)-limit$/.test(String(f.code)))
      .filter((f) => f.path[0] === 'paths' && NOT_PARTNER.test(String(f.path[1])))
      .filter((f) => !f.path.includes('responses'))
      .map((f) => {
        const at = /^paths\.(.+)\.(get|post|put|patch|delete)\.parameters\.(\d+)\./.exec(f.path.join('.'));
        const param = at ? doc.paths[at[1]]?.[at[2]]?.parameters?.[Number(at[3])] : undefined;
        return param && 'name' in param ? `${param.in} ${param.name}` : f.path.join('.');
      });
    expect([...new Set(unbounded)].sort()).toEqual(['query cursor']);
  });
});
