import { Document, Spectral, type ISpectralDiagnostic, type RulesetDefinition } from '@stoplight/spectral-core';
import { Json } from '@stoplight/spectral-parsers';
import { oas } from '@stoplight/spectral-rulesets';
import owasp from '@stoplight/spectral-owasp-ruleset';

export interface Finding {
  rule: string;
  severity: 'error' | 'warn' | 'info' | 'hint';
  path: string;
  message: string;
}

const SEVERITIES = ['error', 'warn', 'info', 'hint'] as const;

async function lint(document: unknown, ruleset: RulesetDefinition): Promise<Finding[]> {
  const spectral = new Spectral();
  spectral.setRuleset(ruleset);
  const results: ISpectralDiagnostic[] = await spectral.run(new Document(JSON.stringify(document, null, 2), Json));
  return results.map((r) => ({
    rule: String(r.code),
    severity: SEVERITIES[r.severity],
    path: r.path.join('.'),
    message: r.message,
  }));
}

/** Spectral's `spectral:oas` ruleset (its recommended rules), run in-process. */
export const lintOas = (document: unknown) => lint(document, { extends: [[oas as RulesetDefinition, 'recommended']] });

/** The OWASP API Security Top 10 ruleset. */
export const lintOwasp = (document: unknown) =>
  lint(document, { extends: [[owasp as RulesetDefinition, 'recommended']] });

/** How many findings of each rule and severity: `{ 'warn owasp:api4:2023-rate-limit': 12 }`. */
export function tally(findings: Finding[]): Record<string, number> {
  const out: Record<string, number> = {};
  for (const f of findings) out[`${f.severity} ${f.rule}`] = (out[`${f.severity} ${f.rule}`] ?? 0) + 1;
  return Object.fromEntries(Object.entries(out).sort(([a], [b]) => a.localeCompare(b)));
}
