import { isIP } from 'node:net';
import { z } from 'zod';
import { isPublicAddress } from '../../infra/net/address-policy.js';

const MAX_URL = 2048;

/** What an operator allows webhooks to reach (WEBHOOK_HTTP_HOSTS, WEBHOOK_ALLOW_PRIVATE_TARGETS). */
export interface WebhookTargetPolicy {
  /** Hosts that may be reached over plain http, lower case. */
  readonly httpHosts: readonly string[];
  readonly allowPrivateTargets: boolean;
}

export const STRICT_WEBHOOK_POLICY: WebhookTargetPolicy = { httpHosts: [], allowPrivateTargets: false };

/**
 * `webhook_url`: an absolute http(s) URL without credentials. Whether plain http and a literal
 * private address are allowed depends on the operator's settings: `webhookUrlField(policy)`.
 * A host name is checked again on every delivery, on the address actually connected to.
 */
export function webhookUrlField(policy: WebhookTargetPolicy = STRICT_WEBHOOK_POLICY) {
  return z
    .string()
    .trim()
    .max(MAX_URL, `must be at most ${MAX_URL} characters`)
    .pipe(z.url({ protocol: /^https?$/, error: 'must be an absolute https URL' }))
    .superRefine((value, ctx) => {
      // zod runs refinements after a failed format check too; that failure has said enough.
      if (!URL.canParse(value)) return;
      const url = new URL(value);
      if (url.username || url.password) ctx.addIssue({ code: 'custom', message: 'must not carry a user name or password' });
      const host = url.hostname.toLowerCase();
      if (url.protocol === 'http:' && !policy.httpHosts.includes(host)) {
        ctx.addIssue({ code: 'custom', message: `must be an https URL (plain http only to a host the operator allows; '${host}' is not one)` });
      }
      const address = host.replace(/^\[(.*)\]$/, '$1');
      if (!policy.allowPrivateTargets && isIP(address) !== 0 && !isPublicAddress(address)) {
        ctx.addIssue({ code: 'custom', message: `must not point at a private, loopback, link-local or metadata address ('${address}')` });
      }
    });
}
