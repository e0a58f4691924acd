import { errors, headerRefs, type ErrorStatus } from './components.js';
import { schemaRef, type SchemaName } from './schemas.js';

/** Small builders that keep each path's description to what is particular to it. */
type Headers = Parameters<typeof headerRefs>;

export function jsonResponse(description: string, schema: SchemaName, ...names: Headers) {
  return { description, headers: headerRefs('X-Request-Id', ...names), content: { 'application/json': { schema: schemaRef(schema) } } };
}

export function emptyResponse(description: string, ...names: Headers) {
  return { description, headers: headerRefs('X-Request-Id', ...names) };
}

export function jsonBody(schema: SchemaName, description?: string) {
  return { required: true, ...(description ? { description } : {}), content: { 'application/json': { schema: schemaRef(schema) } } };
}

export interface Operation {
  readonly operationId: string;
  readonly summary: string;
  readonly description?: string;
  readonly tags: readonly string[];
  readonly security: readonly Record<string, never[]>[];
  readonly parameters?: readonly unknown[];
  readonly requestBody?: unknown;
  readonly responses: Record<string, unknown>;
}

/** An operation: its own answers, then its errors by status. */
export function operation(op: Omit<Operation, 'responses'> & { responses: Record<string, unknown>; errors?: ErrorStatus[] }): Operation {
  const { errors: statuses = [], responses, ...rest } = op;
  return { ...rest, responses: { ...responses, ...errors(...statuses) } };
}

/** The request-limit headers every authenticated answer carries while the limit is on. */
export const RATE_LIMITED = ['RateLimit', 'RateLimit-Policy'] as const;
