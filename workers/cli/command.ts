import type { Kysely } from 'kysely';
import { AccountNotFoundError, findAccount, findAccountByEmail } from '../../infra/db/accounts.js';
import type { Account, Database } from '../../infra/db/types.js';

/** Wrong invocation: exit code 2, and the command's usage is worth showing. */
export class UsageError extends Error {
  override name = 'UsageError';
}

/** A failure the person can act on from the message alone: exit code 1, no stack trace. */
export class CommandError extends Error {
  override name = 'CommandError';
}

export type OptionValues = Record<string, string | boolean | undefined>;

export interface CommandContext {
  readonly db: Kysely<Database>;
  /** PUBLIC_URL, for links into the web app. */
  readonly publicUrl: string;
  /** Prints the result: the human text, or with --json the object, never both. */
  report(human: string, json: Record<string, unknown>): void;
}

export interface Command {
  readonly name: string;
  readonly summary: string;
  /** Flags after `vivid <group> <command>`, e.g. '--email EMAIL --credits N'. */
  readonly usage: string;
  readonly options: Record<string, { type: 'string' | 'boolean' }>;
  /** Validates the flags before any database is opened, and returns what runs against it. */
  prepare(values: OptionValues): (ctx: CommandContext) => Promise<void>;
}

export interface CommandGroup {
  readonly name: string;
  readonly summary: string;
  readonly commands: readonly Command[];
}

export function requiredString(values: OptionValues, flag: string): string {
  const value = values[flag];
  if (typeof value !== 'string' || value.trim() === '') throw new UsageError(`Missing --${flag}`);
  return value.trim();
}

export function optionalString(values: OptionValues, flag: string): string | null {
  const value = values[flag];
  if (typeof value !== 'string') return null;
  if (value.trim() === '') throw new UsageError(`--${flag} must not be empty`);
  return value.trim();
}

/** Whole numbers only: "10.5", "1e3" or "ten" credits are typos, not values to round. */
export function requiredCount(values: OptionValues, flag: string, min: number): number {
  const raw = requiredString(values, flag);
  const n = /^\d+$/.test(raw) ? Number(raw) : NaN;
  if (!Number.isSafeInteger(n) || n < min) throw new UsageError(`--${flag} must be a whole number of at least ${min}, got ${JSON.stringify(raw)}`);
  return n;
}

export function requiredEmail(values: OptionValues, flag: string): string {
  const email = requiredString(values, flag);
  if (!/^[^\s@]+@[^\s@]+$/.test(email)) throw new UsageError(`--${flag} must be an email address, got ${JSON.stringify(email)}`);
  return email;
}

/** `--account` takes either the account's id or its email. */
export async function resolveAccount(db: Kysely<Database>, idOrEmail: string): Promise<Account> {
  const account = idOrEmail.includes('@') ? await findAccountByEmail(db, idOrEmail) : await findAccount(db, idOrEmail);
  if (!account) throw new AccountNotFoundError(idOrEmail);
  return account;
}

export function isoOrNull(date: Date | null): string | null {
  return date ? date.toISOString() : null;
}

/** Left-aligned columns for terminal listings. */
export function table(header: readonly string[], rows: readonly (readonly string[])[]): string {
  const widths = header.map((h, i) => Math.max(h.length, ...rows.map((r) => (r[i] ?? '').length)));
  const line = (cells: readonly string[]) =>
    cells
      .map((c, i) => c.padEnd(widths[i] ?? 0))
      .join('  ')
      .trimEnd();
  return [line(header), ...rows.map(line)].join('\n');
}
