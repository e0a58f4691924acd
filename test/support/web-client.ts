import assert from 'node:assert/strict';

export interface WebResponse<T = Record<string, unknown>> {
  readonly status: number;
  /** Parsed JSON; null for an empty body (204). */
  readonly body: T;
  readonly headers: Headers;
}

export interface WebClientOptions {
  /** The Origin header to send; null sends none. Default: the API's own origin, as the SPA does. */
  readonly origin?: string | null;
  /** Send `X-Vivid-Client: web` (the SPA always does). */
  readonly clientHeader?: boolean;
  /** X-Forwarded-For, to stand for a client address behind the proxy the app trusts. */
  readonly forwardedFor?: string;
}

/** A browser tab of the SPA, as far as the API can tell: a cookie jar, its Origin, and the SPA's header. */
export class WebClient {
  readonly cookies = new Map<string, string>();

  constructor(
    readonly baseUrl: string,
    readonly options: WebClientOptions = {},
  ) {}

  /** Another tab of the same browser: same cookies, other headers. */
  withOptions(options: WebClientOptions): WebClient {
    const other = new WebClient(this.baseUrl, { ...this.options, ...options });
    for (const [k, v] of this.cookies) other.cookies.set(k, v);
    return other;
  }

  async request<T = Record<string, unknown>>(method: string, route: string, json?: unknown, headers: Record<string, string> = {}): Promise<WebResponse<T>> {
    const origin = this.options.origin === undefined ? new URL(this.baseUrl).origin : this.options.origin;
    const res = await fetch(`${this.baseUrl}/api/v1${route}`, {
      method,
      body: json === undefined ? undefined : typeof json === 'string' ? json : JSON.stringify(json),
      headers: {
        ...(json === undefined ? {} : { 'Content-Type': 'application/json' }),
        ...(origin ? { Origin: origin } : {}),
        ...(this.options.clientHeader === false ? {} : { 'X-Vivid-Client': 'web' }),
        ...(this.options.forwardedFor ? { 'X-Forwarded-For': this.options.forwardedFor } : {}),
        ...(this.cookies.size > 0 ? { Cookie: [...this.cookies].map(([k, v]) => `${k}=${v}`).join('; ') } : {}),
        ...headers,
      },
    });
    for (const line of res.headers.getSetCookie()) {
      const [pair = ''] = line.split(';');
      const eq = pair.indexOf('=');
      const name = pair.slice(0, eq).trim();
      const value = pair.slice(eq + 1).trim();
      if (value === '' || /;\s*max-age=0/i.test(line) || /expires=Thu, 01 Jan 1970/i.test(line)) this.cookies.delete(name);
      else this.cookies.set(name, value);
    }
    const text = await res.text();
    let body: unknown = null;
    if (text !== '') {
      try {
        body = JSON.parse(text);
      } catch {
        assert.fail(`${method} ${route} answered ${res.status} with a body that is not JSON: ${text.slice(0, 200)}`);
      }
    }
    return { status: res.status, body: body as T, headers: res.headers };
  }

  signUp(email: string, password: string) {
    return this.request('POST', '/auth/signup', { email, password });
  }

  signIn(email: string, password: string) {
    return this.request('POST', '/auth/signin', { email, password });
  }
}
