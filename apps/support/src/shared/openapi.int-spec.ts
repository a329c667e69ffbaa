import { Document, Spectral, type ISpectralDiagnostic, type RulesetDefinition } from '@stoplight/spectral-core';
import { Json } from '@stoplight/spectral-parsers';
import { oas } from '@stoplight/spectral-rulesets';
import owasp from '@stoplight/spectral-owasp-ruleset';
import { operationsWithoutAnswerSchema, type OpenApiDocument } from '@crm/platform';
import { startSupportApp, type SupportTestApp } from '../testing/support-test-app';

jest.setTimeout(120_000);

interface Operation {
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
const MINE = /^\/(tickets|teams|agents|calendars|sla-policies|assets|warranties|csat|channels)(\/|$)/;

/**
 * Reached without a login: the survey link's token is the credential, and
 * the chat/social webhook is checked by its HMAC signature instead.
 */
const PUBLIC = ['GET /csat/{token}', 'POST /csat/{token}', 'POST /channels/webhook/{channel}'];

describe("support's OpenAPI document (what the gateway merges)", () => {
  let t: SupportTestApp;
  let doc: OpenApi;

  beforeAll(async () => {
    t = await startSupportApp('openapi');
    const res = await fetch(`${t.base}/openapi.json`);
    expect(res.status).toBe(200);
    doc = (await res.json()) as OpenApi;
  });
  afterAll(() => t.close());

  const operations = () =>
    Object.entries(doc.paths)
      .filter(([path]) => MINE.test(path))
      .flatMap(([path, item]) =>
        METHODS.filter((m) => item[m]).map((m): [string, Operation] => [`${m.toUpperCase()} ${path}`, item[m]]),
      );

  it('has no spectral:oas error', async () => {
    const findings = await lint(doc, { extends: [[oas as RulesetDefinition, 'recommended']] });
    expect(findings.filter((f) => f.severity === 0).map((f) => `${f.code} ${f.path.join('.')}`)).toEqual([]);
  });

  it('declares for every operation its permission, 401 and 403, and its answer; the public ones are the three known', () => {
    const wrong: string[] = [];
    const mine = operations();
    expect(mine.length).toBe(32);
    expect(mine.map(([name]) => name)).toEqual(expect.arrayContaining([...PUBLIC, 'GET /tickets', 'GET /assets/{id}']));
    for (const [name, op] of mine) {
      const path = name.split(' ')[1];
      const declared = new Set((op.parameters ?? []).flatMap((p) => ('in' in p && p.in === 'path' ? [p.name] : [])));
      for (const [, param] of path.matchAll(/\{([^}]+)\}/g))
        if (!declared.has(param)) wrong.push(`${name}: path parameter ${param}`);
      const statuses = Object.keys(op.responses);
      if (PUBLIC.includes(name)) {
        if (op.security?.length || op['x-required-permission']) wrong.push(`${name}: public, yet asks a login`);
      } else {
        if (!op['x-required-permission']?.startsWith('support:')) wrong.push(`${name}: no support permission`);
        for (const status of ['401', '403']) if (!statuses.includes(status)) wrong.push(`${name}: no ${status}`);
      }
      const success = statuses.filter((s) => s.startsWith('2'));
      if (!success.length) wrong.push(`${name}: no 2xx`);
      for (const s of success.filter((x) => x !== '204'))
        if (!Object.values(op.responses[s].content ?? {}).some((c) => c.schema))
          wrong.push(`${name}: ${s} has no schema`);
    }
    expect(wrong).toEqual([]);
  });

  it('types the answer of every operation (a client generator types none as unknown)', () => {
    expect(operationsWithoutAnswerSchema(doc as unknown as OpenApiDocument, MINE)).toEqual([]);
    expect(operationsWithoutAnswerSchema(doc as unknown as OpenApiDocument)).toEqual([]);
  });

  it('finds where an answer strays from its schema (so the specs checking real answers can fail)', async () => {
    const created = await t.call('POST', '/tickets', { body: { subject: 'Conformance', tags: ['a'] } });
    expect(created.status).toBe(201);
    const ticket = created.body as Record<string, unknown>;
    expect(await t.answerViolations('POST', '/tickets', ticket)).toEqual([]);
    const { sla: _sla, ...withoutSla } = ticket;
    expect(await t.answerViolations('GET', '/tickets/{id}', withoutSla)).toEqual(['$.sla: missing']);
    expect(await t.answerViolations('GET', '/tickets/{id}', { ...ticket, secret: 1 })).toEqual([
      '$.secret: not declared',
    ]);
    expect(await t.answerViolations('GET', '/tickets/{id}', { ...ticket, status: 'lost' })).toEqual([
      '$.status: "lost" not in the enum',
    ]);
    expect(await t.answerViolations('GET', '/tickets/{id}', { ...ticket, subject: null })).toEqual([
      '$.subject: null, not nullable',
    ]);
    expect(await t.answerViolations('GET', '/tickets', { items: [ticket], nextCursor: null })).toEqual([
      '$.items[0].sla: not declared',
    ]);
  });

  it('bounds every request string and array of its own routes (OWASP api4), but the shared cursor', async () => {
    const findings = await lint(doc, { extends: [[owasp as RulesetDefinition, 'recommended']] });
    const unbounded = findings
      .filter((f) => /api4:2023-(string|array)-limit$/.test(String(f.code)))
      .filter((f) => f.path[0] === 'paths' && MINE.test(String(f.path[1])))
      // Requests only: answers are bounded where the service bounds them (see the answer DTOs).
      .filter((f) => !f.path.includes('responses'))
      .map((f) => {
        const at = /^paths\.(.+)\.(get|post|put|patch|delete)\.parameters\.(\d+)\./.exec(f.path.join('.'));
        const param = at ? doc.paths[at[1]]?.[at[2]]?.parameters?.[Number(at[3])] : undefined;
        return param && 'name' in param ? `${param.in} ${param.name}` : f.path.join('.');
      });
    expect([...new Set(unbounded)].sort()).toEqual(['query cursor']);
  });
});
