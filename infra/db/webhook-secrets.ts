import { randomBytes } from 'node:crypto';
import type { Kysely } from 'kysely';
import type { Database } from './types.js';

/** The Standard Webhooks secret format: `whsec_` and the base64 of the key (32 random bytes). */
export function generateWebhookSecret(): string {
  return `whsec_${randomBytes(32).toString('base64')}`;
}

/** The account's signing secret, made on first use; concurrent first uses agree on one. */
export async function ensureWebhookSecret(db: Kysely<Database>, accountId: string): Promise<string> {
  await db
    .insertInto('webhook_secrets')
    .values({ account_id: accountId, secret: generateWebhookSecret() })
    .onConflict((oc) => oc.column('account_id').doNothing())
    .execute();
  const row = await db.selectFrom('webhook_secrets').select('secret').where('account_id', '=', accountId).executeTakeFirstOrThrow();
  return row.secret;
}

/** A new secret replaces the old at once: deliveries signed from now on (retries included) use it. */
export async function rotateWebhookSecret(db: Kysely<Database>, accountId: string): Promise<string> {
  const secret = generateWebhookSecret();
  await db
    .insertInto('webhook_secrets')
    .values({ account_id: accountId, secret })
    .onConflict((oc) => oc.column('account_id').doUpdateSet({ secret, created_at: new Date() }))
    .execute();
  return secret;
}

/** When the account's current secret was made (its first use, or its latest rotation). */
export async function webhookSecretCreatedAt(db: Kysely<Database>, accountId: string): Promise<Date> {
  const row = await db.selectFrom('webhook_secrets').select('created_at').where('account_id', '=', accountId).executeTakeFirstOrThrow();
  return row.created_at;
}
