import type { Kysely } from 'kysely';
import { randomUUID } from 'node:crypto';
import type { Account, Database } from './types.js';

export class DuplicateEmailError extends Error {
  override name = 'DuplicateEmailError';
  constructor(readonly email: string) {
    super(`An account with email ${email} already exists`);
  }
}

export class AccountNotFoundError extends Error {
  override name = 'AccountNotFoundError';
  constructor(readonly account: string) {
    super(`No account ${account}`);
  }
}

export class InvalidAccountError extends Error {
  override name = 'InvalidAccountError';
}

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

/** Postgres rejects a malformed uuid with an error; callers looking something up want "not found" instead. */
export function isUuid(value: string): boolean {
  return UUID.test(value);
}

/** Emails compare case-insensitively in practice, so one person cannot hold two accounts by capitalisation. */
export function normalizeEmail(email: string): string {
  return email.trim().toLowerCase();
}

export async function createAccount(db: Kysely<Database>, input: { email: string; monthlyCredits: number }): Promise<Account> {
  const email = normalizeEmail(input.email);
  if (!/^[^\s@]+@[^\s@]+$/.test(email)) throw new InvalidAccountError(`Invalid email address: ${JSON.stringify(input.email)}`);
  if (!Number.isSafeInteger(input.monthlyCredits) || input.monthlyCredits < 0) {
    throw new InvalidAccountError(`Monthly credits must be a whole number of at least 0, got ${input.monthlyCredits}`);
  }
  try {
    // No look-up first: the unique index is the only check that holds against a concurrent insert.
    return await db
      .insertInto('accounts')
      .values({ id: randomUUID(), email, monthly_credits: input.monthlyCredits })
      .returningAll()
      .executeTakeFirstOrThrow();
  } catch (err) {
    if (isUniqueViolation(err)) throw new DuplicateEmailError(email);
    throw err;
  }
}

export async function findAccount(db: Kysely<Database>, id: string): Promise<Account | undefined> {
  if (!isUuid(id)) return undefined;
  return db.selectFrom('accounts').selectAll().where('id', '=', id).executeTakeFirst();
}

export async function findAccountByEmail(db: Kysely<Database>, email: string): Promise<Account | undefined> {
  return db.selectFrom('accounts').selectAll().where('email', '=', normalizeEmail(email)).executeTakeFirst();
}

export async function listAccounts(db: Kysely<Database>): Promise<Account[]> {
  return db.selectFrom('accounts').selectAll().orderBy('created_at').orderBy('email').execute();
}

export function isUniqueViolation(err: unknown): boolean {
  return typeof err === 'object' && err !== null && (err as { code?: unknown }).code === '23505';
}

export function isForeignKeyViolation(err: unknown): boolean {
  return typeof err === 'object' && err !== null && (err as { code?: unknown }).code === '23503';
}
