import createClient, { type Middleware } from 'openapi-fetch';
import { sseParser } from '../lib/sse';
import { ApiError, asProblem } from '../lib/problem';
import type { components, paths } from './schema';

export type Schemas = components['schemas'];
export type Person = Schemas['PersonViewDto'];
export type PersonHit = Schemas['PersonHitDto'];
export type Account = Schemas['AccountViewDto'];

/** Held in memory only (never in storage): the CSRF token that goes with the httpOnly session cookie. */
let csrfToken: string | undefined;
let onSignedOut: () => void = () => undefined;

export function setCsrfToken(token: string | undefined): void {
  csrfToken = token;
}

export function whenSignedOut(callback: () => void): void {
  onSignedOut = callback;
}

const session: Middleware = {
  onRequest({ request }) {
    if (csrfToken) request.headers.set('x-csrf-token', csrfToken);
    return request;
  },
  onResponse({ response }) {
    if (response.status === 401) onSignedOut();
    return response;
  },
};

/** Typed from the gateway's merged OpenAPI document (openapi/gateway.openapi.json): a changed API fails the build. */
export const api = createClient<paths>({ baseUrl: window.location.origin, credentials: 'same-origin' });
api.use(session);

/** The data of an openapi-fetch answer, or an ApiError carrying the problem. */
export async function unwrap<T>(
  call: Promise<{ data?: T; error?: unknown; response: Response }>,
): Promise<NonNullable<T>> {
  const { data, error, response } = await call;
  if (!response.ok) throw new ApiError(asProblem(response.status, error));
  return data as NonNullable<T>;
}

export interface SessionInfo {
  subject: string;
  name?: string;
  roles: string[];
  permissions: string[];
  csrfToken: string;
}

export interface AuthConfig {
  localSignIn: boolean;
  oidc: boolean;
  roles: string[];
}

async function json<T>(res: Response): Promise<T> {
  const body = (await res.json().catch(() => undefined)) as unknown;
  if (!res.ok) throw new ApiError(asProblem(res.status, body));
  return body as T;
}

export const auth = {
  config: () => fetch('/auth/config').then((r) => json<AuthConfig>(r)),
  session: async (): Promise<SessionInfo | null> => {
    const res = await fetch('/auth/session', { credentials: 'same-origin' });
    if (res.status === 401) return null;
    return json<SessionInfo>(res);
  },
  local: (body: { roles: string[]; name?: string }) =>
    fetch('/auth/local', {
      method: 'POST',
      credentials: 'same-origin',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify(body),
    }).then((r) => json<SessionInfo>(r)),
  logout: () =>
    fetch('/auth/logout', {
      method: 'POST',
      credentials: 'same-origin',
      headers: csrfToken ? { 'x-csrf-token': csrfToken } : {},
    }),
};

/** A request openapi-fetch cannot type (a raw file body): same session header, same errors. */
export async function rawRequest<T>(path: string, init: RequestInit): Promise<T> {
  const headers = new Headers(init.headers);
  if (csrfToken) headers.set('x-csrf-token', csrfToken);
  const res = await fetch(path, { ...init, headers, credentials: 'same-origin' });
  if (res.status === 401) onSignedOut();
  return json<T>(res);
}

/** A file from the API, fetched with the session's header (a plain link or <img> would be refused without it). */
export async function fetchFile(path: string): Promise<Blob> {
  const headers = new Headers();
  if (csrfToken) headers.set('x-csrf-token', csrfToken);
  const res = await fetch(path, { headers, credentials: 'same-origin' });
  if (res.status === 401) onSignedOut();
  if (!res.ok) throw new ApiError(asProblem(res.status, await res.json().catch(() => undefined)));
  return res.blob();
}

/** A file from the API, saved by the browser. */
export async function download(path: string, fileName: string): Promise<void> {
  const url = URL.createObjectURL(await fetchFile(path));
  const a = document.createElement('a');
  a.href = url;
  a.download = fileName;
  a.click();
  setTimeout(() => URL.revokeObjectURL(url), 10_000);
}

/**
 * A server-sent event stream read through fetch, so the session's header goes with it (EventSource
 * sends none); `onEvent` gets each event's name and data until the stream ends or `signal` aborts.
 */
export async function streamEvents(
  path: string,
  onEvent: (event: string, data: string) => void,
  signal?: AbortSignal,
): Promise<void> {
  const headers = new Headers({ accept: 'text/event-stream' });
  if (csrfToken) headers.set('x-csrf-token', csrfToken);
  const res = await fetch(path, { headers, credentials: 'same-origin', signal });
  if (res.status === 401) onSignedOut();
  if (!res.ok || !res.body) throw new ApiError(asProblem(res.status, await res.json().catch(() => undefined)));
  const feed = sseParser(onEvent);
  const reader = res.body.pipeThrough(new TextDecoderStream()).getReader();
  for (;;) {
    const { done, value } = await reader.read();
    if (done) return;
    feed(value);
  }
}

/**
 * A file sent as the raw body with the bytes' progress (fetch reports none on upload): same
 * session header and same errors as rawRequest.
 */
export function sendFile<T>(path: string, file: File, onProgress: (fraction: number) => void): Promise<T> {
  return new Promise<T>((resolve, reject) => {
    const xhr = new XMLHttpRequest();
    xhr.open('POST', path);
    xhr.withCredentials = true;
    xhr.setRequestHeader('content-type', file.type || 'application/octet-stream');
    if (csrfToken) xhr.setRequestHeader('x-csrf-token', csrfToken);
    xhr.upload.onprogress = (e) => e.lengthComputable && onProgress(e.loaded / e.total);
    xhr.onerror = () => reject(new TypeError('The server cannot be reached'));
    xhr.onload = () => {
      if (xhr.status === 401) onSignedOut();
      let body: unknown;
      try {
        body = JSON.parse(xhr.responseText) as unknown;
      } catch {
        body = undefined;
      }
      if (xhr.status < 200 || xhr.status >= 300) return reject(new ApiError(asProblem(xhr.status, body)));
      onProgress(1);
      resolve(body as T);
    };
    xhr.send(file);
  });
}
