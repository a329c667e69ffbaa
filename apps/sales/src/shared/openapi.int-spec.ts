import { Document, Spectral, type ISpectralDiagnostic, type RulesetDefinition } from '@stoplight/spectral-core';
import { Json } from '@stoplight/spectral-parsers';
import { oas } from '@stoplight/spectral-rulesets';
import owasp from '@stoplight/spectral-owasp-ruleset';
import { startSalesApp, type SalesTestApp } from '../testing/sales-test-app';

jest.setTimeout(120_000);

interface Operation {
  description?: string;
  parameters?: ({ $ref: string } | { name: string; in: string })[];
  responses: Record<string, { content?: Record<string, { schema?: unknown }> }>;
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

describe("sales' OpenAPI document (what the gateway merges)", () => {
  let t: SalesTestApp;
  let doc: OpenApi;

  beforeAll(async () => {
    t = await startSalesApp('openapi');
    const res = await fetch(`${t.base}/openapi.json`);
    expect(res.status).toBe(200);
    doc = (await res.json()) as OpenApi;
  });
  afterAll(() => t.close());

  const operations = () =>
    Object.entries(doc.paths).flatMap(([path, item]) =>
      METHODS.filter((m) => item[m]).map((m): [string, Operation] => [`${m.toUpperCase()} ${path}`, item[m]]),
    );

  it('has no spectral:oas error', async () => {
    const findings = await lint(doc, { extends: [[oas as RulesetDefinition, 'recommended']] });
    expect(findings.filter((f) => f.severity === 0).map((f) => `${f.code} ${f.path.join('.')}`)).toEqual([]);
  });

  it('declares for every pipeline, deal, forecast and rate operation its permission, problems and answer schema', () => {
    const wrong: string[] = [];
    const mine = operations().filter(([name]) =>
      /^\w+ \/(pipelines|deals|deal-fields|lost-reasons|forecast|currency-rates)/.test(name),
    );
    expect(mine.length).toBeGreaterThan(20);
    for (const [name, op] of mine) {
      const path = name.split(' ')[1];
      const declared = new Set((op.parameters ?? []).flatMap((p) => ('in' in p && p.in === 'path' ? [p.name] : [])));
      for (const [, param] of path.matchAll(/\{([^}]+)\}/g))
        if (!declared.has(param)) wrong.push(`${name}: path parameter ${param}`);
      if (!op['x-required-permission']?.startsWith('sales:')) wrong.push(`${name}: no sales permission`);
      const statuses = Object.keys(op.responses);
      for (const status of ['401', '403']) if (!statuses.includes(status)) wrong.push(`${name}: no ${status}`);
      const success = statuses.filter((s) => s.startsWith('2'));
      if (!success.length) wrong.push(`${name}: no 2xx`);
      // A download (an export) answers its own media types instead of JSON.
      for (const s of success.filter((x) => x !== '204'))
        if (!Object.values(op.responses[s].content ?? {}).some((c) => c.schema))
          wrong.push(`${name}: ${s} has no schema`);
    }
    expect(wrong).toEqual([]);
  });

  it('bounds every request string and array of its own routes (OWASP api4), but the shared cursor', async () => {
    const findings = await lint(doc, { extends: [[owasp as RulesetDefinition, 'recommended']] });
    const unbounded = findings
      .filter((f) => /api4:2023-(string|array)-limit$/.test(String(f.code)))
      .filter((f) =>
        /^paths\.\/(pipelines|deals|deal-fields|lost-reasons|forecast|currency-rates)/.test(f.path.join('.')),
      )
      // Requests only: an export's answer is a file, as long as the list.
      .filter((f) => !f.path.includes('responses'))
      .map((f) => {
        const at = /^paths\.(.+)\.(get|post|put|patch|delete)\.parameters\.(\d+)\./.exec(f.path.join('.'));
        const param = at ? doc.paths[at[1]]?.[at[2]]?.parameters?.[Number(at[3])] : undefined;
        return param && 'name' in param ? `${param.in} ${param.name}` : f.path.join('.');
      });
    expect([...new Set(unbounded)].sort()).toEqual(['query cursor']);
  });
});
