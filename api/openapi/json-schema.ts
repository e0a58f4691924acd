import { z } from 'zod';

export type JsonSchema = Record<string, unknown>;

const base = { target: 'draft-2020-12', unrepresentable: 'any' } as const;

function convert(schema: z.ZodType, io: 'input' | 'output'): JsonSchema {
  const { $schema: _dialect, ...json } = z.toJSONSchema(schema, { ...base, io }) as JsonSchema;
  return json;
}

/** A response body as the client receives it: what the route's schema produces. */
export function responseSchema(schema: z.ZodType): JsonSchema {
  return convert(schema, 'output');
}

/**
 * A request body or query. Form fields and query parameters travel as text and are parsed into
 * typed values, so the document shows the typed value (integer 1–100, default 30), which is the
 * schema's output; but a field with a default need not be sent, which only its input side says.
 */
export function requestSchema(schema: z.ZodType): JsonSchema {
  const output = convert(schema, 'output');
  const input = convert(schema, 'input');
  const { required: _all, ...rest } = output;
  return Array.isArray(input.required) && input.required.length > 0 ? { ...rest, required: input.required } : rest;
}

/** The properties of an object schema, for query parameters one by one. */
export function objectProperties(json: JsonSchema): { name: string; schema: JsonSchema; required: boolean }[] {
  const properties = (json.properties ?? {}) as Record<string, JsonSchema>;
  const required = new Set((json.required as string[] | undefined) ?? []);
  return Object.entries(properties).map(([name, schema]) => ({ name, schema, required: required.has(name) }));
}
