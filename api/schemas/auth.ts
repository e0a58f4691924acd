import { z } from 'zod';

export const MIN_PASSWORD_LENGTH = 10;
// argon2 takes any length, but a megabyte "password" is only a way to burn CPU.
const MAX_PASSWORD_LENGTH = 1000;

const email = z
  .string('must be a string')
  .trim()
  .max(320, 'must be at most 320 characters')
  .regex(/^[^\s@]+@[^\s@]+\.[^\s@]+$/, 'must be an email address');

const newPassword = z
  .string('must be a string')
  .min(MIN_PASSWORD_LENGTH, `must be at least ${MIN_PASSWORD_LENGTH} characters`)
  .max(MAX_PASSWORD_LENGTH, `must be at most ${MAX_PASSWORD_LENGTH} characters`);

/** A password being checked, not chosen: its length says nothing, so any non-empty string is judged by the hash. */
const givenPassword = z.string('must be a string').min(1, 'is required').max(MAX_PASSWORD_LENGTH, `must be at most ${MAX_PASSWORD_LENGTH} characters`);

export const signUpSchema = z.strictObject({ email, password: newPassword });
export const signInSchema = z.strictObject({ email: z.string('must be a string').trim().min(1, 'is required').max(320, 'must be at most 320 characters'), password: givenPassword });
export const signInLinkSchema = z.strictObject({ token: z.string('must be a string').min(1, 'is required').max(200, 'is not a sign-in token') });
export const passwordChangeSchema = z.strictObject({ current_password: givenPassword.optional(), new_password: newPassword });
export const createKeySchema = z.strictObject({ name: z.string('must be a string').trim().min(1, 'must not be empty').max(100, 'must be at most 100 characters') });
