// The HTTP client of the Stagecraft API: bearer auth, JSON in and out, and
// one error type carrying the server's code and user-facing message.

export class ApiError extends Error {
  readonly status: number;
  readonly code: string;
  readonly details?: Record<string, unknown>;
  readonly retryAfter?: number;

  constructor(status: number, code: string, message: string, details?: Record<string, unknown>, retryAfter?: number) {
    super(message);
    this.name = 'ApiError';
    this.status = status;
    this.code = code;
    this.details = details;
    this.retryAfter = retryAfter;
  }

  /** The field the server named as wrong, when it named one. */
  get field(): string | undefined {
    const f = this.details?.field;
    return typeof f === 'string' ? f : undefined;
  }
}

/** A message for any error, fit to show a user. */
export function errorMessage(err: unknown): string {
  if (err instanceof ApiError) return err.message;
  if (err instanceof Error && err.message) return err.message;
  return 'Something went wrong.';
}

type TokenSource = () => string | null;
type Unauthorized = () => void;

let tokenSource: TokenSource = () => null;
let onUnauthorized: Unauthorized = () => {};

/** configure tells the client where the session token lives and what to
 * do when the server says it is no longer valid. */
export function configure(token: TokenSource, unauthorized: Unauthorized) {
  tokenSource = token;
  onUnauthorized = unauthorized;
}

const networkError = () =>
  new ApiError(0, 'network', 'Cannot reach the Stagecraft server. Check your connection and try again.');

/** ErrorBody is the shape of the server's error answers, as far as it can
 * be trusted: a proxy in between may send anything. */
interface ErrorBody {
  error?: { code?: string; message?: string; details?: Record<string, unknown> };
}

/** parseError turns a non-2xx response into an ApiError. */
export async function parseError(res: Response): Promise<ApiError> {
  const retry = Number(res.headers.get('Retry-After')) || undefined;
  let code = `http_${res.status}`;
  let message = defaultMessage(res.status);
  let details: Record<string, unknown> | undefined;
  try {
    const body = (await res.json()) as ErrorBody | null;
    if (body?.error?.message) {
      code = body.error.code ?? code;
      message = body.error.message;
      details = body.error.details;
    }
  } catch {
    // Not JSON (a proxy's error page): keep the default message.
  }
  return new ApiError(res.status, code, message, details, retry);
}

function defaultMessage(status: number): string {
  switch (status) {
    case 401:
      return 'Your session has ended. Sign in again.';
    case 403:
      return 'Your role may not do this.';
    case 404:
      return 'Not found.';
    case 413:
      return 'That is too large.';
    case 429:
      return 'Too many requests. Wait a moment and try again.';
    case 502:
    case 503:
    case 504:
      return 'Stagecraft is temporarily unavailable. Try again in a few seconds.';
    default:
      return `The server answered ${status}.`;
  }
}

export interface RequestOptions {
  method?: string;
  body?: unknown;
  query?: Record<string, string | number | boolean | string[] | undefined | null>;
  signal?: AbortSignal;
  /** Return the raw response instead of parsed JSON. */
  raw?: boolean;
}

/** buildQuery renders query parameters, repeating array values and
 * leaving out empty ones. */
export function buildQuery(query: RequestOptions['query']): string {
  if (!query) return '';
  const p = new URLSearchParams();
  for (const [k, v] of Object.entries(query)) {
    if (v === undefined || v === null || v === '') continue;
    if (Array.isArray(v)) v.forEach((x) => x !== '' && p.append(k, x));
    else p.append(k, String(v));
  }
  const s = p.toString();
  return s ? `?${s}` : '';
}

function authHeaders(): Record<string, string> {
  const t = tokenSource();
  return t ? { Authorization: `Bearer ${t}` } : {};
}

/** request calls /api/v1{path} and returns the parsed JSON body. */
export async function request<T>(path: string, opts: RequestOptions = {}): Promise<T> {
  const res = await fetchRaw(path, opts);
  if (res.status === 204) return undefined as T;
  // A 202 (a password reset asked for) may come without a body.
  const text = await res.text();
  return (text ? JSON.parse(text) : undefined) as T;
}

/** fetchRaw calls /api/v1{path} and returns the response, throwing an
 * ApiError for any non-2xx answer. */
export async function fetchRaw(path: string, opts: RequestOptions = {}): Promise<Response> {
  const headers: Record<string, string> = { Accept: 'application/json', ...authHeaders() };
  let body: BodyInit | undefined;
  if (opts.body !== undefined) {
    headers['Content-Type'] = 'application/json';
    body = JSON.stringify(opts.body);
  }
  let res: Response;
  try {
    res = await fetch(`/api/v1${path}${buildQuery(opts.query)}`, {
      method: opts.method ?? 'GET',
      headers,
      body,
      signal: opts.signal,
    });
  } catch (err) {
    if (err instanceof DOMException && err.name === 'AbortError') throw err;
    throw networkError();
  }
  if (!res.ok) {
    const err = await parseError(res);
    if (res.status === 401 && tokenSource()) onUnauthorized();
    throw err;
  }
  return res;
}

/** fetchBlob fetches an authenticated binary (a thumbnail, a preview). */
export async function fetchBlob(path: string, signal?: AbortSignal): Promise<Blob> {
  const res = await fetchRaw(path, { signal });
  return res.blob();
}

export interface UploadProgress {
  loaded: number;
  total: number;
}

/** upload sends multipart form data with progress reports (fetch cannot
 * report upload progress; XMLHttpRequest can). */
export function upload<T>(
  path: string,
  form: FormData,
  onProgress?: (p: UploadProgress) => void,
  signal?: AbortSignal,
): Promise<T> {
  return new Promise<T>((resolve, reject) => {
    const xhr = new XMLHttpRequest();
    xhr.open('POST', `/api/v1${path}`);
    for (const [k, v] of Object.entries(authHeaders())) xhr.setRequestHeader(k, v);
    xhr.setRequestHeader('Accept', 'application/json');
    xhr.upload.onprogress = (e) => {
      if (e.lengthComputable) onProgress?.({ loaded: e.loaded, total: e.total });
    };
    xhr.onerror = () => reject(networkError());
    xhr.onabort = () => reject(new DOMException('Upload cancelled', 'AbortError'));
    xhr.onload = () => {
      const res = new Response(xhr.status === 204 ? null : xhr.responseText, {
        status: xhr.status,
        headers: { 'Content-Type': 'application/json', 'Retry-After': xhr.getResponseHeader('Retry-After') ?? '' },
      });
      if (xhr.status >= 200 && xhr.status < 300) {
        resolve(JSON.parse(xhr.responseText) as T);
        return;
      }
      parseError(res).then((err) => {
        if (xhr.status === 401) onUnauthorized();
        reject(err);
      }, reject);
    };
    signal?.addEventListener('abort', () => xhr.abort());
    xhr.send(form);
  });
}
