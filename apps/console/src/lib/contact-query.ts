export const STAGES = ['lead', 'prospect', 'customer', 'churned'] as const;
export const CHANNELS = [
  'web',
  'referral',
  'social',
  'email',
  'event',
  'partner',
  'paid_search',
  'organic',
  'store',
  'phone',
  'other',
] as const;
export const SORTS = ['relevance', '-createdAt', 'createdAt', 'name', '-name'] as const;

export interface ContactFilters {
  q: string;
  stage: string;
  tag: string;
  country: string;
  sourceChannel: string;
  owner: string;
  /** `key=value` of one custom field. */
  customField: string;
  sort: string;
}

export const NO_FILTERS: ContactFilters = {
  q: '',
  stage: '',
  tag: '',
  country: '',
  sourceChannel: '',
  owner: '',
  customField: '',
  sort: '',
};

/**
 * The query of GET /contacts for the filters: empty ones left out, tags split on commas
 * (any of them matches), `relevance` only with a search text (the API refuses it without).
 */
export function contactQuery(f: ContactFilters, cursor?: string): Record<string, string | string[]> {
  const out: Record<string, string | string[]> = { limit: '50' };
  const q = f.q.trim();
  if (q) out['q'] = q;
  if (f.stage) out['stage'] = f.stage;
  const tags = f.tag
    .split(',')
    .map((t) => t.trim())
    .filter(Boolean);
  if (tags.length) out['tag'] = tags.slice(0, 20);
  if (f.country.trim()) out['country'] = f.country.trim().toUpperCase();
  if (f.sourceChannel) out['sourceChannel'] = f.sourceChannel;
  if (f.owner.trim()) out['owner'] = f.owner.trim();
  const eq = f.customField.indexOf('=');
  if (eq > 0) out[`cf.${f.customField.slice(0, eq).trim()}`] = f.customField.slice(eq + 1).trim();
  if (f.sort && (f.sort !== 'relevance' || q)) out['sort'] = f.sort;
  if (cursor) out['cursor'] = cursor;
  return out;
}

export function toSearchParams(query: Record<string, string | string[]>): string {
  const p = new URLSearchParams();
  for (const [k, v] of Object.entries(query)) for (const one of Array.isArray(v) ? v : [v]) p.append(k, one);
  return p.toString();
}

/** Filters kept in the address (so a view can be bookmarked and shared), and read back. */
export function filtersFromSearch(search: string): ContactFilters {
  const p = new URLSearchParams(search);
  const out = { ...NO_FILTERS };
  for (const key of Object.keys(NO_FILTERS) as (keyof ContactFilters)[]) out[key] = p.get(key) ?? '';
  return out;
}

export function filtersToSearch(f: ContactFilters): string {
  const p = new URLSearchParams();
  for (const [k, v] of Object.entries(f)) if (v) p.set(k, v);
  const s = p.toString();
  return s ? `?${s}` : '';
}
