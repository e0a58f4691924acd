import { z } from 'zod';

/**
 * Every error body: the contract's `error` sentence, and what Vivid Flow adds beside it for
 * programs (a stable `code`, the `param` a 400 is about, the request's id to quote).
 */
export const errorBodySchema = z
  .object({
    error: z.string().meta({ description: 'What went wrong, for people; a 400 names the parameter.' }),
    code: z.string().optional().meta({ description: 'A stable, machine-readable name for the error, e.g. `insufficient_credits`, `idempotency_key_reused`.' }),
    param: z.string().optional().meta({ description: 'The parameter (form field, query parameter, JSON field or header) a 400 is about.' }),
    request_id: z.string().optional().meta({ description: "The request's `X-Request-Id`, to quote when reporting a problem." }),
  })
  .meta({ description: 'An error. Only `error` is promised by the contract; the other fields may be absent.' });
export type ErrorBody = z.output<typeof errorBodySchema>;
