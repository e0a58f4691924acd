import { z } from 'zod';
import { MODELS } from './generate-limits.js';

/**
 * What the account routes answer: usage, spending by day, API keys, signed-in sessions and the
 * `/auth` bodies. The routes type their bodies from these; the OpenAPI document is made from them.
 */
const instant = z.iso.datetime().meta({ description: 'ISO 8601, UTC.' });

export const usageSchema = z.object({
  credits_remaining: z.int(),
  cycle_resets_on: z.iso.datetime().meta({ description: 'When the monthly allowance is restored: the 1st of next month, 00:00 UTC (`2026-01-01T00:00:00Z`).' }),
  monthly_credits: z.int().min(0),
  jobs_in_flight: z.int().min(0).meta({ description: 'Jobs of this account PROCESSING now.' }),
  limits: z.object({
    requests_per_minute: z.int().min(1).nullable().meta({ description: 'Per API key; null when off.' }),
    jobs_in_flight: z.int().min(1).nullable().meta({ description: 'Per account; null when off.' }),
  }),
});
export type UsageBody = z.output<typeof usageSchema>;

export const dailyUsageSchema = z
  .array(
    z.object({
      date: z.iso.date().meta({ description: 'The day the jobs were submitted, UTC.' }),
      model: z.enum(MODELS),
      credits: z.int().min(1).meta({ description: 'Reserved less refunded.' }),
    }),
  )
  .meta({ description: 'Credits spent per day and model in the current cycle, oldest first; days with nothing spent are left out.' });
export type DailyUsageBody = z.output<typeof dailyUsageSchema>;

export const apiKeySchema = z.object({
  id: z.uuid(),
  name: z.string().nullable().meta({ description: 'Null for a key made without one (`vivid keys create`).' }),
  prefix: z.string().meta({ description: 'The first characters of the key, to tell keys apart.' }),
  created_at: instant,
  last_used_at: instant.nullable().meta({ description: 'Kept to the minute.' }),
});
export const apiKeyListSchema = z.array(apiKeySchema);
export type ApiKeyListBody = z.output<typeof apiKeyListSchema>;

export const createdApiKeySchema = apiKeySchema.omit({ last_used_at: true }).extend({
  name: z.string(),
  key: z.string().meta({ description: 'The key itself, shown this once: only its hash is stored.' }),
});
export type CreatedApiKeyBody = z.output<typeof createdApiKeySchema>;

export const sessionListSchema = z.array(
  z.object({
    id: z.uuid(),
    created_at: instant,
    last_seen_at: instant,
    user_agent: z.string().nullable(),
    ip: z.string().nullable(),
    current: z.boolean().meta({ description: 'The session this request came with.' }),
  }),
);
export type SessionListBody = z.output<typeof sessionListSchema>;

export const signedInSchema = z.object({ account: z.object({ id: z.uuid(), email: z.email() }) });
export type SignedInBody = z.output<typeof signedInSchema>;

export const currentSessionSchema = z.object({ account: z.object({ id: z.uuid(), email: z.email(), created_at: instant }) });
export type CurrentSessionBody = z.output<typeof currentSessionSchema>;

export const authConfigSchema = z.object({ signup: z.enum(['open', 'closed']).meta({ description: 'Whether anyone may sign up (`SIGNUP`).' }) });
export type AuthConfigBody = z.output<typeof authConfigSchema>;

export const webhookSecretSchema = z.object({
  secret: z.string().regex(/^whsec_/).meta({ description: 'The Standard Webhooks signing secret of this account\'s deliveries.' }),
  created_at: instant,
});
export type WebhookSecretBody = z.output<typeof webhookSecretSchema>;
