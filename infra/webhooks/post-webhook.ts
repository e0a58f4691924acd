import dns from 'node:dns';
import http from 'node:http';
import https from 'node:https';
import { isIP, type LookupFunction } from 'node:net';
import { isPublicAddress } from '../net/address-policy.js';

export interface WebhookRequest {
  readonly url: string;
  readonly headers: Readonly<Record<string, string>>;
  readonly body: string;
  /** From the start of the attempt to the end of reading what little of the response is read. */
  readonly timeoutMs: number;
  readonly allowPrivateTargets: boolean;
}

export type WebhookResult =
  | { readonly kind: 'response'; readonly statusCode: number; readonly bodyStart: string }
  /** The target resolved to an address webhooks may not reach: nothing was sent. */
  | { readonly kind: 'refused'; readonly reason: string }
  /** No response: unreachable, reset, timed out. */
  | { readonly kind: 'failed'; readonly reason: string };

/** How much of a receiver's answer is read (for the delivery's error note); the rest is dropped unread. */
const MAX_RESPONSE_BYTES = 1024;

class RefusedTarget extends Error {
  override name = 'RefusedTarget';
}

/**
 * Resolves as dns.lookup does, then refuses the connection if any address is not public. The
 * socket connects to the addresses checked here, so a name that resolves one way when the URL
 * is accepted and another way now (DNS rebinding) is caught.
 */
function guardedLookup(allowPrivate: boolean): LookupFunction {
  return (hostname, options, callback) => {
    dns.lookup(hostname, { ...options, all: true }, (err, addresses) => {
      if (err) return callback(err, '', 0);
      const blocked = addresses.find((a) => !isPublicAddress(a.address));
      if (blocked && !allowPrivate) return callback(new RefusedTarget(`${hostname} resolves to ${blocked.address}, which webhooks may not reach`), '', 0);
      if (options.all) return (callback as unknown as (e: null, a: dns.LookupAddress[]) => void)(null, addresses);
      const first = addresses[0];
      if (!first) return callback(Object.assign(new Error(`${hostname} has no address`), { code: 'ENOTFOUND' }), '', 0);
      callback(null, first.address, first.family);
    });
  };
}

/**
 * One POST of a webhook. Redirects are answers, not followed (the status is returned); at most
 * MAX_RESPONSE_BYTES of the body are read; nothing outlives `timeoutMs`.
 */
export function postWebhook(request: WebhookRequest): Promise<WebhookResult> {
  const url = new URL(request.url);
  const literal = url.hostname.replace(/^\[(.*)\]$/, '$1');
  // A literal address never goes through `lookup`, so it is checked here.
  if (isIP(literal) !== 0 && !request.allowPrivateTargets && !isPublicAddress(literal)) {
    return Promise.resolve({ kind: 'refused', reason: `${literal} is an address webhooks may not reach` });
  }
  const transport = url.protocol === 'https:' ? https : http;

  return new Promise<WebhookResult>((resolve) => {
    let settled = false;
    const finish = (result: WebhookResult): void => {
      if (settled) return;
      settled = true;
      clearTimeout(timer);
      req.destroy();
      resolve(result);
    };
    const req = transport.request(url, {
      method: 'POST',
      headers: { ...request.headers, 'content-length': Buffer.byteLength(request.body) },
      // A connection of its own, closed after the attempt: no pooled socket outlives its check.
      agent: false,
      lookup: guardedLookup(request.allowPrivateTargets),
    });
    let answered: WebhookResult | undefined;
    const timer = setTimeout(() => finish(answered ?? { kind: 'failed', reason: `no response within ${request.timeoutMs / 1000} s` }), request.timeoutMs);
    req.on('error', (err) => {
      if (err instanceof RefusedTarget) finish({ kind: 'refused', reason: err.message });
      else finish({ kind: 'failed', reason: err.message || (err as NodeJS.ErrnoException).code || 'connection failed' });
    });
    req.on('response', (res) => {
      const statusCode = res.statusCode ?? 0;
      const chunks: Buffer[] = [];
      let size = 0;
      answered = { kind: 'response', statusCode, bodyStart: '' };
      const done = () => finish({ kind: 'response', statusCode, bodyStart: Buffer.concat(chunks).toString('utf8').slice(0, MAX_RESPONSE_BYTES) });
      res.on('data', (chunk: Buffer) => {
        chunks.push(chunk);
        size += chunk.length;
        if (size >= MAX_RESPONSE_BYTES) done();
      });
      res.on('end', done);
      res.on('error', done);
    });
    req.end(request.body);
  });
}
