import { Liquid } from 'liquidjs';

/**
 * The variables a template may use. Liquid is logic-light and sandboxed
 * (no code, own properties only, bounded parse/render time and memory);
 * strict variables make a misspelt one an error at save time, not a blank
 * in a customer's inbox.
 */
export const TEMPLATE_VARIABLES: Record<string, string[] | '*'> = {
  contact: ['firstName', 'lastName', 'displayName', 'email', 'country', 'city', 'locale', 'customFields'],
  campaign: ['name', 'utmCampaign'],
  coupon: ['code'],
  links: ['unsubscribe'],
};

export interface RenderContext {
  contact: {
    firstName: string | null;
    lastName: string | null;
    displayName: string | null;
    email: string | null;
    country: string | null;
    city: string | null;
    locale: string | null;
    customFields: Record<string, unknown>;
  };
  campaign: { name: string; utmCampaign: string | null };
  coupon: { code: string | null };
  links: { unsubscribe: string };
}

export const engine = new Liquid({
  strictVariables: true,
  strictFilters: true,
  ownPropertyOnly: true,
  lenientIf: true,
  parseLimit: 100_000,
  renderLimit: 1_000,
  memoryLimit: 10_000_000,
  cache: 200,
});

/** Problems of one template text: syntax, or a variable outside TEMPLATE_VARIABLES. */
export function templateProblems(text: string): string[] {
  let segments: (string | number)[][];
  try {
    segments = engine.variableSegmentsSync(text) as (string | number)[][];
  } catch (e) {
    return [`is not a valid template: ${(e as Error).message.split('\n')[0]}`];
  }
  const out: string[] = [];
  for (const seg of segments) {
    const [root, prop] = seg.map(String);
    const allowed = TEMPLATE_VARIABLES[root];
    const ok = allowed !== undefined && (prop === undefined || allowed === '*' || allowed.includes(prop));
    if (!ok) out.push(`uses {{ ${seg.join('.')} }}, which does not exist (known: ${knownVariables().join(', ')})`);
  }
  return [...new Set(out)];
}

export function variablesOf(text: string): string[] {
  return [...new Set((engine.variableSegmentsSync(text) as (string | number)[][]).map((s) => s.join('.')))].sort();
}

export function knownVariables(): string[] {
  return Object.entries(TEMPLATE_VARIABLES).flatMap(([root, props]) =>
    props === '*' ? [`${root}.*`] : props.map((p) => `${root}.${p}`),
  );
}

/** Variables were checked when the template was saved; a custom field a contact lacks renders empty. */
export function render(text: string, context: RenderContext): string {
  return engine.parseAndRenderSync(text, context as unknown as Record<string, unknown>, { strictVariables: false });
}

/** Plain text from HTML, for a template without its own text part. */
export function textFromHtml(html: string): string {
  return html
    .replace(/<(style|script)[\s\S]*?<\/\1>/gi, '')
    .replace(/<a\s[^>]*href="([^"]*)"[^>]*>([\s\S]*?)<\/a>/gi, '$2 ($1)')
    .replace(/<br\s*\/?>/gi, '\n')
    .replace(/<\/(p|div|h[1-6]|li|tr)>/gi, '\n')
    .replace(/<[^>]+>/g, '')
    .replace(/&nbsp;/g, ' ')
    .replace(/&amp;/g, '&')
    .replace(/&lt;/g, '<')
    .replace(/&gt;/g, '>')
    .replace(/\n{3,}/g, '\n\n')
    .trim();
}
