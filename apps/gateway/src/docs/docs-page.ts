import type { OpenApiDocument } from './openapi-merge';

const METHODS = ['get', 'post', 'put', 'patch', 'delete', 'head'];

function escape(value: unknown): string {
  return String(value ?? '').replace(/[&<>"']/g, (c) => `&#${c.charCodeAt(0)};`);
}

interface Operation {
  summary?: string;
  description?: string;
  tags?: string[];
  parameters?: { name?: string; in?: string; required?: boolean }[];
}

/**
 * The merged document as one static HTML page, grouped by tag: no scripts and
 * nothing fetched from elsewhere, so it works offline and under a strict CSP.
 */
export function renderDocsPage(doc: OpenApiDocument): string {
  const byTag = new Map<string, string[]>();
  for (const [path, item] of Object.entries(doc.paths ?? {})) {
    for (const method of METHODS) {
      const op = item[method] as Operation | undefined;
      if (!op) continue;
      const params = (op.parameters ?? [])
        .filter((p) => p.in === 'query' || p.in === 'path')
        .map((p) => `<code>${escape(p.name)}</code>${p.required ? '' : '?'} <small>(${escape(p.in)})</small>`)
        .join(', ');
      const row =
        `<tr><td class="m ${method}">${method.toUpperCase()}</td><td><code>${escape(path)}</code></td>` +
        `<td>${escape(op.summary)}${op.description ? `<br><small>${escape(op.description)}</small>` : ''}</td><td>${params}</td></tr>`;
      const tag = op.tags?.[0] ?? 'other';
      byTag.set(tag, [...(byTag.get(tag) ?? []), row]);
    }
  }
  const missing = (doc['x-missing'] as { service: string; reason: string }[] | undefined) ?? [];
  const sections = [...byTag.entries()]
    .sort(([a], [b]) => a.localeCompare(b))
    .map(([tag, rows]) => `<h2>${escape(tag)}</h2>\n<table><tr><th></th><th>path</th><th>what</th><th>parameters</th></tr>\n${rows.join('\n')}\n</table>`)
    .join('\n');
  return `<!doctype html>
<html lang="en">
<head>
<meta charset="utf-8">
<title>${escape(doc.info.title)}</title>
<style>
body { font: 15px/1.4 system-ui, sans-serif; margin: 2rem auto; max-width: 72rem; padding: 0 1rem; }
table { border-collapse: collapse; width: 100%; margin-bottom: 1.5rem; }
td, th { border-bottom: 1px solid #ddd; padding: .35rem .5rem; text-align: left; vertical-align: top; }
.m { font-weight: 600; width: 4.5rem; } .get { color: #1a7f37; } .post { color: #0550ae; } .delete { color: #cf222e; } .patch, .put { color: #9a6700; }
.missing { background: #fff8c5; padding: .5rem 1rem; }
</style>
</head>
<body>
<h1>${escape(doc.info.title)}</h1>
<p>${escape(doc.info.description)}</p>
<p>The machine-readable OpenAPI ${escape(doc.openapi)} document: <a href="openapi.json">openapi.json</a>.</p>
${missing.length ? `<p class="missing">Not included, the service did not answer: ${missing.map((m) => `${escape(m.service)} (${escape(m.reason)})`).join(', ')}</p>` : ''}
${sections}
</body>
</html>
`;
}
