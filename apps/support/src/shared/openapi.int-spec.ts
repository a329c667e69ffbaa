import { operationsWithoutAnswerSchema, type OpenApiDocument } from '@crm/platform';
import {
  contractProblems,
  oasErrors,
  operationsOf,
  unboundedRequestFields,
  type CheckedDocument,
} from '@crm/platform/testing';
import { startSupportApp, type SupportTestApp } from '../testing/support-test-app';

jest.setTimeout(120_000);

const MINE = /^\/(tickets|teams|agents|calendars|sla-policies|assets|warranties|csat|channels)(\/|$)/;

/**
 * Reached without a login: the survey link's token is the credential, and
 * the chat/social webhook is checked by its HMAC signature instead.
 */
const PUBLIC = ['GET /csat/{token}', 'POST /csat/{token}', 'POST /channels/webhook/{channel}'];

describe("support's OpenAPI document (what the gateway merges)", () => {
  let t: SupportTestApp;
  let doc: CheckedDocument;

  beforeAll(async () => {
    t = await startSupportApp('openapi');
    const res = await fetch(`${t.base}/openapi.json`);
    expect(res.status).toBe(200);
    doc = (await res.json()) as CheckedDocument;
  });
  afterAll(() => t.close());

  it('has no spectral:oas error', async () => {
    expect(await oasErrors(doc)).toEqual([]);
  });

  it('declares for every operation its permission, 401 and 403, and its answer; the public ones are the three known', () => {
    const mine = operationsOf(doc, MINE);
    expect(mine.length).toBe(32);
    expect(mine.map(([name]) => name)).toEqual(expect.arrayContaining([...PUBLIC, 'GET /tickets', 'GET /assets/{id}']));
    expect(contractProblems(mine, { permission: 'support:', publicOperations: PUBLIC })).toEqual([]);
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
    expect(await unboundedRequestFields(doc, MINE)).toEqual(['query cursor']);
  });
});
