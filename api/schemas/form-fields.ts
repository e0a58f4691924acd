import { z } from 'zod';

/**
 * Multipart fields arrive as strings. These turn one into a typed value with a message that
 * names what was expected; the field's name is added by the request schema's error report.
 */
export function integerField(min: number, max: number) {
  return z
    .string()
    .trim()
    .regex(/^[+-]?\d+$/, 'must be an integer')
    .transform(Number)
    .pipe(z.number({ error: 'must be an integer' }).int({ error: 'must be an integer' }).min(min, `must be at least ${min}`).max(max, `must be at most ${max}`));
}

export function numberField(min: number, max: number) {
  return z
    .string()
    .trim()
    .regex(/^[+-]?(\d+\.?\d*|\.\d+)([eE][+-]?\d+)?$/, 'must be a number')
    .transform(Number)
    .pipe(z.number({ error: `must be between ${min.toFixed(1)} and ${max.toFixed(1)}` }).min(min, `must be between ${min.toFixed(1)} and ${max.toFixed(1)}`).max(max, `must be between ${min.toFixed(1)} and ${max.toFixed(1)}`));
}

const truthy = new Set(['true', '1', 'yes', 'on']);
const falsy = new Set(['false', '0', 'no', 'off']);

export function booleanField() {
  return z
    .string()
    .trim()
    .toLowerCase()
    .refine((v) => truthy.has(v) || falsy.has(v), 'must be true or false')
    .transform((v) => truthy.has(v))
    // The transform has no JSON Schema of its own; documents show the value it stands for.
    .meta({ type: 'boolean', description: 'true or false (also 1/0, yes/no, on/off).' });
}

/** Postgres text cannot hold a NUL byte, and no prompt needs one: refused rather than silently changed. */
export function textField(maxLength: number) {
  return z.string().max(maxLength, `must be at most ${maxLength} characters`).refine((v) => !v.includes('\0'), 'must not contain NUL bytes');
}

export function choiceField<const T extends readonly [string, ...string[]]>(values: T) {
  return z.string().trim().pipe(z.enum(values, { error: () => `must be one of ${values.map((v) => `'${v}'`).join(', ')}` }));
}
