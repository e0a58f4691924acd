/**
 * The IETF RateLimit fields (draft-ietf-httpapi-ratelimit-headers-11): `RateLimit-Policy` lists
 * each quota (`q` units per `w` seconds, `qu` the unit), `RateLimit` what remains of it (`r`)
 * and the seconds until it resets (`t`). Structured-field lists, one member per policy.
 */
export interface PolicyState {
  readonly name: string;
  readonly quota: number;
  readonly remaining: number;
  readonly windowSeconds?: number;
  readonly resetSeconds?: number;
  readonly unit?: 'requests' | 'concurrent-requests';
}

export const REQUEST_POLICY = 'requests';
export const JOBS_POLICY = 'jobs';

function policyMember(p: PolicyState): string {
  let member = `"${p.name}";q=${p.quota}`;
  if (p.windowSeconds !== undefined) member += `;w=${p.windowSeconds}`;
  if (p.unit && p.unit !== 'requests') member += `;qu="${p.unit}"`;
  return member;
}

function limitMember(p: PolicyState): string {
  let member = `"${p.name}";r=${Math.max(0, p.remaining)}`;
  if (p.resetSeconds !== undefined) member += `;t=${Math.max(0, Math.ceil(p.resetSeconds))}`;
  return member;
}

/** Both fields for the policies that applied to a request. */
export function rateLimitHeaders(policies: readonly PolicyState[]): Record<string, string> {
  return {
    'RateLimit-Policy': policies.map(policyMember).join(', '),
    RateLimit: policies.map(limitMember).join(', '),
  };
}

/** Adds policies to the fields already set on a response (the request limit's, say), or to an error's headers. */
export function withRateLimitPolicies(existing: { get(field: string): string }, policies: readonly PolicyState[]): Record<string, string> {
  const added = rateLimitHeaders(policies);
  const join = (field: 'RateLimit-Policy' | 'RateLimit') => [existing.get(field), added[field]].filter(Boolean).join(', ');
  return { 'RateLimit-Policy': join('RateLimit-Policy'), RateLimit: join('RateLimit') };
}
