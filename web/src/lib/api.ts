/**
 * The one client of `/api/v1`: same origin, the session cookie, the CSRF header, and errors
 * turned into ApiError carrying the server's own message. Every request goes through here.
 */
export const API_BASE = '/api/v1';

export class ApiError extends Error {
  override name = 'ApiError';
  constructor(
    readonly status: number,
    message: string,
    readonly retryAfterSeconds?: number,
  ) {
    super(message);
  }
}

export interface ApiResponse<T> {
  readonly body: T;
  readonly headers: Headers;
}

type Body = Record<string, unknown> | FormData | undefined;

/** Listeners told when any request answers 401, so the app can show the sign-in page. */
const unauthorizedListeners = new Set<() => void>();
export function onUnauthorized(listener: () => void): () => void {
  unauthorizedListeners.add(listener);
  return () => unauthorizedListeners.delete(listener);
}

export async function apiRequest<T>(method: string, path: string, body?: Body, options: { signal?: AbortSignal; quiet401?: boolean } = {}): Promise<ApiResponse<T>> {
  const headers: Record<string, string> = { 'X-Vivid-Client': 'web', Accept: 'application/json' };
  let payload: BodyInit | undefined;
  if (body instanceof FormData) payload = body;
  else if (body !== undefined) {
    headers['Content-Type'] = 'application/json';
    payload = JSON.stringify(body);
  }
  let res: Response;
  try {
    res = await fetch(`${API_BASE}${path}`, { method, headers, body: payload, credentials: 'same-origin', signal: options.signal });
  } catch (err) {
    if (err instanceof DOMException && err.name === 'AbortError') throw err;
    throw new ApiError(0, 'The server could not be reached. Check your connection and try again.');
  }
  if (res.status === 204) return { body: undefined as T, headers: res.headers };
  const text = await res.text();
  let parsed: unknown;
  try {
    parsed = text ? JSON.parse(text) : undefined;
  } catch {
    // Not JSON (a proxy's error page, say): the status alone speaks.
  }
  if (!res.ok) {
    if (res.status === 401 && !options.quiet401) for (const l of unauthorizedListeners) l();
    const retry = Number(res.headers.get('Retry-After'));
    throw new ApiError(res.status, errorMessage(parsed, res), Number.isFinite(retry) && retry > 0 ? retry : undefined);
  }
  return { body: parsed as T, headers: res.headers };
}

function errorMessage(parsed: unknown, res: Response): string {
  if (parsed && typeof parsed === 'object' && 'error' in parsed) {
    const error = (parsed as { error: unknown }).error;
    if (typeof error === 'string') return error;
    // Some error bodies nest the message: {"error": {"code", "message"}}.
    if (error && typeof error === 'object' && 'message' in error && typeof error.message === 'string') return error.message;
  }
  return `The server answered ${res.status} ${res.statusText || ''}`.trim() + '.';
}

export const api = {
  get: <T>(path: string, options?: { signal?: AbortSignal; quiet401?: boolean }) => apiRequest<T>('GET', path, undefined, options).then((r) => r.body),
  getWithHeaders: <T>(path: string, options?: { signal?: AbortSignal }) => apiRequest<T>('GET', path, undefined, options),
  post: <T>(path: string, body?: Body) => apiRequest<T>('POST', path, body ?? {}).then((r) => r.body),
  delete: <T = void>(path: string) => apiRequest<T>('DELETE', path).then((r) => r.body),
};
