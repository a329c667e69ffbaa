import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { getAbsoluteFSPath } from 'swagger-ui-dist';

/** Where the page, its files and the document it shows are served. */
export const DOCS_PATH = '/api/docs';
export const OPENAPI_JSON_PATH = '/api/openapi.json';
export const INITIALIZER = 'swagger-initializer.js';

export interface DocsAsset {
  contentType: string;
  body: Buffer | string;
}

/** The only files of swagger-ui-dist the gateway serves; anything else under /api/docs is 404. */
const DIST_FILES: Record<string, string> = {
  'swagger-ui.css': 'text/css; charset=utf-8',
  'swagger-ui-bundle.js': 'text/javascript; charset=utf-8',
  'favicon-32x32.png': 'image/png',
  'favicon-16x16.png': 'image/png',
};

/**
 * Starts Swagger UI on the merged document. A file of its own, not an inline
 * script, so the page runs under a CSP with `script-src 'self'`. Nothing is
 * fetched from elsewhere: no validator badge, no remote config.
 */
const INITIALIZER_JS = `window.addEventListener('load', function () {
  window.ui = SwaggerUIBundle({
    url: ${JSON.stringify(OPENAPI_JSON_PATH)},
    dom_id: '#swagger-ui',
    deepLinking: true,
    showExtensions: true,
    displayRequestDuration: true,
    validatorUrl: null,
    presets: [SwaggerUIBundle.presets.apis],
    layout: 'BaseLayout',
  });
});
`;

const PAGE = `<!doctype html>
<html lang="en">
<head>
<meta charset="utf-8">
<title>CRM API reference</title>
<link rel="stylesheet" href="${DOCS_PATH}/swagger-ui.css">
<link rel="icon" type="image/png" href="${DOCS_PATH}/favicon-32x32.png" sizes="32x32">
</head>
<body>
<noscript>This page needs JavaScript; the document itself is at <a href="${OPENAPI_JSON_PATH}">${OPENAPI_JSON_PATH}</a>.</noscript>
<div id="swagger-ui"></div>
<script src="${DOCS_PATH}/swagger-ui-bundle.js"></script>
<script src="${DOCS_PATH}/${INITIALIZER}"></script>
</body>
</html>
`;

/** Swagger UI's page and files, read from swagger-ui-dist once, at start. */
export class SwaggerUi {
  private readonly assets = new Map<string, DocsAsset>();

  constructor(distFolder: string = getAbsoluteFSPath()) {
    for (const [name, contentType] of Object.entries(DIST_FILES)) {
      this.assets.set(name, { contentType, body: readFileSync(join(distFolder, name)) });
    }
    this.assets.set(INITIALIZER, { contentType: 'text/javascript; charset=utf-8', body: INITIALIZER_JS });
  }

  page(): DocsAsset {
    return { contentType: 'text/html; charset=utf-8', body: PAGE };
  }

  /** One of the page's files by name, or undefined for any other name. */
  asset(name: string): DocsAsset | undefined {
    return this.assets.get(name);
  }
}
