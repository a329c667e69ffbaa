/** A service behind the gateway and the first path segments it owns under /api/v1. */
export interface ServiceDefinition {
  name: string;
  defaultUrl: string;
  segments: string[];
  /** Largest request body forwarded to this service, when it differs from BODY_LIMIT_BYTES (uploads). */
  bodyLimitBytes?: number;
  /**
   * Paths (relative to /api/v1) that people without an account reach through the gateway: the
   * links in a mail, a survey page, a partner suite's signed exchange. They are forwarded without
   * any identity; the service's own route is @Public and checks the token or signature it carries.
   */
  publicPaths?: readonly PublicPath[];
  /**
   * Paths whose bodies may be larger (or must be smaller) than the service's limit: a CSV import
   * streamed to a service that enforces its own file limit. The first entry matching the method
   * and path wins; `<NAME>_<KIND>_BODY_LIMIT_BYTES` (e.g. CONTACTS_IMPORT_BODY_LIMIT_BYTES)
   * overrides its bytes.
   */
  bodyLimits?: readonly PathBodyLimit[];
}

export interface PublicPath {
  methods: readonly string[];
  path: RegExp;
}

export interface PathBodyLimit extends PublicPath {
  /** Names the environment override: `<SERVICE>_<KIND>_BODY_LIMIT_BYTES`. */
  kind: string;
  bytes: number;
}

/** A CSV import streams through to the service, which holds it to its own IMPORT_MAX_BYTES (1 GiB). */
const IMPORT_BODY_LIMIT = 2 ** 30 + 2 ** 20;

/**
 * The services the gateway forwards to. Adding a service is one entry here
 * (or, for a service the gateway does not know yet, one `name=url` in
 * SERVICE_URLS, which then owns the segment of its own name).
 */
export const SERVICES: readonly ServiceDefinition[] = [
  {
    name: 'contacts',
    defaultUrl: 'http://127.0.0.1:3001',
    segments: ['contacts', 'accounts', 'custom-fields', 'imports', 'import-mappings'],
    bodyLimits: [{ kind: 'import', methods: ['POST'], path: /^\/(accounts\/)?imports$/, bytes: IMPORT_BODY_LIMIT }],
  },
  { name: 'analytics', defaultUrl: 'http://127.0.0.1:3005', segments: ['analytics'] },
  {
    name: 'sales',
    defaultUrl: 'http://127.0.0.1:3002',
    segments: [
      'pipelines',
      'deals',
      'deal-fields',
      'lost-reasons',
      'forecast',
      'currency-rates',
      'products',
      'price-books',
      'quotes',
      'orders',
    ],
    bodyLimits: [{ kind: 'import', methods: ['POST'], path: /^\/orders\/imports$/, bytes: IMPORT_BODY_LIMIT }],
  },
  // Uploads stream through (1 GiB files plus multipart framing); the service enforces its own file limit.
  {
    name: 'documents',
    defaultUrl: 'http://127.0.0.1:3006',
    segments: ['documents'],
    bodyLimitBytes: 2 ** 30 + 2 ** 20,
  },
  {
    name: 'support',
    defaultUrl: 'http://127.0.0.1:3003',
    segments: ['tickets', 'teams', 'agents', 'sla-policies', 'calendars', 'assets', 'csat', 'warranties', 'channels'],
    publicPaths: [
      // the customer's satisfaction survey (GET the question, POST the score); csat/results is not public
      { methods: ['GET', 'HEAD', 'POST'], path: /^\/csat\/(?!results$)[^/]+$/ },
      // an email or chat provider's signed inbound webhook
      { methods: ['POST'], path: /^\/channels\/webhook\/[^/]+$/ },
    ],
  },
  {
    name: 'marketing',
    defaultUrl: 'http://127.0.0.1:3004',
    segments: [
      'segments',
      'templates',
      'campaigns',
      'send-rules',
      'do-not-contact',
      'deliveries',
      'touchpoints',
      'promotions',
      'loyalty',
      'surveys',
      'partners',
      'partner-agreements',
      'partner-shares',
      'partner-audiences',
      'partner-audit',
      'partner-files',
      't',
      's',
      'partner-exchange',
    ],
    publicPaths: [
      // tracking: open pixel, click redirect, unsubscribe page and its one-click POST
      { methods: ['GET', 'HEAD'], path: /^\/t\/[ocu]\/[^/]+$/ },
      { methods: ['POST'], path: /^\/t\/u\/[^/]+$/ },
      // a survey's page and its answer
      { methods: ['GET', 'HEAD', 'POST'], path: /^\/s\/[^/]+$/ },
      // another suite's signed partner exchange (match, audiences, deletions)
      { methods: ['POST'], path: /^\/partner-exchange\/v1\/(match|audiences|deletions)$/ },
    ],
    // a partner's signed audience file streams through; marketing holds it to PARTNER_FILE_MAX_BYTES (256 MiB)
    bodyLimits: [
      { kind: 'import', methods: ['POST'], path: /^\/partner-agreements\/[^/]+\/imports$/, bytes: IMPORT_BODY_LIMIT },
    ],
  },
];

export interface ServiceRoute {
  name: string;
  /** Origin plus optional base path, without a trailing slash. */
  baseUrl: string;
  segments: string[];
  /** Largest request body forwarded to it; unset, the gateway's BODY_LIMIT_BYTES. */
  bodyLimitBytes?: number;
  publicPaths?: readonly PublicPath[];
  /** Per-path limits over bodyLimitBytes, bytes already overridden from the environment. */
  bodyLimits?: readonly PathBodyLimit[];
}

export interface ResolvedRoute {
  service: ServiceRoute;
  /** Absolute upstream URL, query string kept. */
  url: string;
  /** Reached without an identity (see ServiceDefinition.publicPaths), for this method. */
  public: boolean;
  /** Largest body for this method and path: its path limit, else the service's; unset, BODY_LIMIT_BYTES. */
  bodyLimitBytes?: number;
}

const NAME = /^[a-z][a-z0-9-]{0,40}$/;

function envKey(service: string, suffix = 'URL'): string {
  return `${service.toUpperCase().replace(/-/g, '_')}_${suffix}`;
}

/** `<NAME>_BODY_LIMIT_BYTES`, a whole number of bytes from 1 to 2^40, over the built-in value. */
function bodyLimit(env: NodeJS.ProcessEnv, d: ServiceDefinition): number | undefined {
  return bytesFromEnv(env, envKey(d.name, 'BODY_LIMIT_BYTES'), d.bodyLimitBytes);
}

/** A service's path limits, each `<NAME>_<KIND>_BODY_LIMIT_BYTES` over its built-in bytes. */
function pathBodyLimits(env: NodeJS.ProcessEnv, d: ServiceDefinition): PathBodyLimit[] {
  return (d.bodyLimits ?? []).map((l) => ({
    ...l,
    bytes: bytesFromEnv(env, envKey(d.name, `${l.kind.toUpperCase()}_BODY_LIMIT_BYTES`), l.bytes) ?? l.bytes,
  }));
}

function bytesFromEnv(env: NodeJS.ProcessEnv, variable: string, fallback: number | undefined): number | undefined {
  const raw = env[variable];
  if (raw === undefined || raw.trim() === '') return fallback;
  const n = Number(raw);
  if (!Number.isInteger(n) || n < 1 || n > 2 ** 40) {
    throw new Error(`${variable} must be a whole number from 1 to ${2 ** 40}, got "${raw}"`);
  }
  return n;
}

function parseBaseUrl(variable: string, raw: string): string {
  let url: URL;
  try {
    url = new URL(raw);
  } catch {
    throw new Error(`${variable} must be an http(s) URL, got "${raw}"`);
  }
  if (url.protocol !== 'http:' && url.protocol !== 'https:') {
    throw new Error(`${variable} must be an http(s) URL, got "${raw}"`);
  }
  if (url.search || url.hash || url.username || url.password) {
    throw new Error(`${variable} must not carry a query, fragment or credentials, got "${raw}"`);
  }
  return `${url.origin}${url.pathname.replace(/\/+$/, '')}`;
}

/** SERVICE_URLS="contacts=http://contacts:3001,sales=http://sales:3002" */
function parseServiceUrls(raw: string | undefined): Map<string, string> {
  const out = new Map<string, string>();
  if (!raw?.trim()) return out;
  for (const entry of raw
    .split(',')
    .map((e) => e.trim())
    .filter(Boolean)) {
    const eq = entry.indexOf('=');
    const name = eq > 0 ? entry.slice(0, eq).trim() : '';
    if (!NAME.test(name)) throw new Error(`SERVICE_URLS entries must look like name=url, got "${entry}"`);
    out.set(name, parseBaseUrl(`SERVICE_URLS (${name})`, entry.slice(eq + 1).trim()));
  }
  return out;
}

/** Path segments that would let an upstream resolve the path to another service's area. */
function hasDotSegment(path: string): boolean {
  return path.split('/').some((segment) => {
    const s = segment.replace(/%2e/gi, '.');
    return s === '.' || s === '..';
  });
}

export class RoutingTable {
  private readonly bySegment = new Map<string, ServiceRoute>();

  constructor(readonly services: readonly ServiceRoute[]) {
    for (const service of services) {
      for (const segment of service.segments) {
        const owner = this.bySegment.get(segment);
        if (owner) throw new Error(`/${segment} is claimed by both ${owner.name} and ${service.name}`);
        this.bySegment.set(segment, service);
      }
    }
  }

  /** Builds the table from the built-in services, SERVICE_URLS and per-service <NAME>_URL variables. */
  static fromEnv(env: NodeJS.ProcessEnv, definitions: readonly ServiceDefinition[] = SERVICES): RoutingTable {
    const urls = parseServiceUrls(env['SERVICE_URLS']);
    const routes: ServiceRoute[] = definitions.map((d) => {
      const own = env[envKey(d.name)];
      const baseUrl = own
        ? parseBaseUrl(envKey(d.name), own)
        : (urls.get(d.name) ?? parseBaseUrl(d.name, d.defaultUrl));
      const limit = bodyLimit(env, d);
      return {
        name: d.name,
        baseUrl,
        segments: [...d.segments],
        ...(limit ? { bodyLimitBytes: limit } : {}),
        ...(d.publicPaths ? { publicPaths: d.publicPaths } : {}),
        ...(d.bodyLimits ? { bodyLimits: pathBodyLimits(env, d) } : {}),
      };
    });
    for (const [name, baseUrl] of urls) {
      if (!definitions.some((d) => d.name === name)) routes.push({ name, baseUrl, segments: [name] });
    }
    return new RoutingTable(routes);
  }

  /** The body limit of a method and path relative to /api/v1, if its service or path has its own. */
  bodyLimit(relativeUrl: string, method = 'POST'): number | undefined {
    try {
      return this.resolve(relativeUrl, method)?.bodyLimitBytes;
    } catch {
      return undefined;
    }
  }

  service(name: string): ServiceRoute | undefined {
    return this.services.find((s) => s.name === name);
  }

  /**
   * Finds the service owning a path given relative to /api/v1 (e.g.
   * `/contacts/42?x=1`); undefined when no service owns it. Throws for a
   * path with dot segments, which an upstream could resolve elsewhere.
   */
  resolve(relativeUrl: string, method = 'GET'): ResolvedRoute | undefined {
    if (!relativeUrl.startsWith('/')) return undefined;
    const q = relativeUrl.indexOf('?');
    const path = q === -1 ? relativeUrl : relativeUrl.slice(0, q);
    if (hasDotSegment(path)) throw new UnsafePathError(path);
    const end = path.indexOf('/', 1);
    const segment = path.slice(1, end === -1 ? undefined : end);
    const service = this.bySegment.get(segment);
    if (!service) return undefined;
    const matches = (p: PublicPath) => p.methods.includes(method) && p.path.test(path);
    const open = service.publicPaths?.some(matches) ?? false;
    const limit = service.bodyLimits?.find(matches)?.bytes ?? service.bodyLimitBytes;
    return {
      service,
      url: `${service.baseUrl}${relativeUrl}`,
      public: open,
      ...(limit === undefined ? {} : { bodyLimitBytes: limit }),
    };
  }

  /** Whether a method and path (relative to /api/v1) are reached without an identity. */
  isPublic(method: string, relativeUrl: string): boolean {
    try {
      return this.resolve(relativeUrl, method)?.public ?? false;
    } catch {
      return false;
    }
  }
}

export class UnsafePathError extends Error {
  constructor(readonly path: string) {
    super(`The path ${path} contains "." or ".." segments`);
    this.name = 'UnsafePathError';
  }
}

/** GET and HEAD read an area; everything else writes it. The area is the owning service's name. */
export function requiredPermission(method: string, service: string): string {
  return method === 'GET' || method === 'HEAD' ? `${service}:read` : `${service}:write`;
}
