import assert from 'node:assert/strict';
import { setTimeout as sleep } from 'node:timers/promises';
import { makePng } from './images.js';

export interface ApiResponse<T = Record<string, unknown>> {
  readonly status: number;
  readonly body: T;
  readonly headers: Headers;
}

/** A client as a user's script would be: plain fetch and multipart forms. */
export class ApiClient {
  constructor(
    readonly baseUrl: string,
    readonly apiKey: string | undefined,
  ) {}

  async request<T = Record<string, unknown>>(method: string, route: string, body?: FormData | string, headers: Record<string, string> = {}): Promise<ApiResponse<T>> {
    const res = await fetch(`${this.baseUrl}/api/v1${route}`, {
      method,
      body,
      headers: { ...(this.apiKey ? { 'X-API-Key': this.apiKey } : {}), ...headers },
    });
    const text = await res.text();
    let parsed: unknown;
    try {
      parsed = JSON.parse(text);
    } catch {
      assert.fail(`${method} ${route} answered ${res.status} with a body that is not JSON: ${text.slice(0, 200)}`);
    }
    return { status: res.status, body: parsed as T, headers: res.headers };
  }

  generate(fields: Record<string, string>, image: Buffer | null = makePng(96, 64), filename = 'source.png') {
    const form = new FormData();
    if (image) form.append('image', new Blob([new Uint8Array(image)]), filename);
    for (const [k, v] of Object.entries(fields)) form.append(k, v);
    return this.request('POST', '/generate', form);
  }

  status(jobId: string) {
    return this.request('GET', `/status/${jobId}`);
  }

  history(query = '') {
    return this.request<Array<Record<string, unknown>>>('GET', `/history${query}`);
  }

  usage() {
    return this.request('GET', '/usage');
  }

  /** Polls /status until the job leaves PROCESSING (or `until` holds), failing after timeoutMs. */
  async waitForJob(jobId: string, until: (body: Record<string, unknown>) => boolean = (b) => b.status !== 'PROCESSING', timeoutMs = 30_000) {
    const deadline = Date.now() + timeoutMs;
    for (;;) {
      const res = await this.status(jobId);
      assert.equal(res.status, 200, JSON.stringify(res.body));
      if (until(res.body)) return res.body;
      if (Date.now() > deadline) assert.fail(`job ${jobId} still ${JSON.stringify(res.body)} after ${timeoutMs} ms`);
      await sleep(150);
    }
  }
}

export async function waitUntil(what: string, check: () => boolean | Promise<boolean>, timeoutMs = 20_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!(await check())) {
    if (Date.now() > deadline) assert.fail(`timed out waiting for ${what}`);
    await sleep(100);
  }
}
