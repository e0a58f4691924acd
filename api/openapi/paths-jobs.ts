import { generateFieldsSchema } from '../schemas/generate.js';
import { IMAGE_MAX_SIDE, IMAGE_MIN_SIDE, IMAGE_TYPES } from '../schemas/generate-limits.js';
import { historyQuerySchema } from '../schemas/history.js';
import { KEY_OR_SESSION, paramRef } from './components.js';
import { objectProperties, requestSchema, type JsonSchema } from './json-schema.js';
import { jsonResponse, operation, RATE_LIMITED } from './operations.js';

/** `/generate`, `/estimate`, `/status`, `/cancel`, `/jobs` and `/history`: a job's life. */
export function jobPaths(options: { readonly maxImageBytes: number }) {
  const fields = requestSchema(generateFieldsSchema);
  const image = (required: boolean): JsonSchema => ({
    type: 'string',
    contentMediaType: 'application/octet-stream',
    description:
      `${required ? 'The' : 'Optional: a'} source image: PNG, JPEG or WebP by its bytes, at most ${options.maxImageBytes} bytes, ` +
      `${IMAGE_MIN_SIDE}–${IMAGE_MAX_SIDE} px a side, decoding whole. Fitted by scale to cover, then centre-crop.`,
  });
  const form = (required: boolean): JsonSchema => ({
    ...fields,
    properties: { image: image(required), ...(fields.properties as object) },
    required: [...(required ? ['image'] : []), ...((fields.required as string[] | undefined) ?? [])],
  });
  const encoding = { image: { contentType: IMAGE_TYPES.join(', ') } };
  const rules =
    'A parameter of the other engine, an unknown parameter or a repeated one is a 400 that names it. Wan: `width` × `height` at most 1280 × 720; ' +
    'Veo 3.1 makes 4, 6 or 8 s at 720p and 1080p at 8 s only (another combination is a 400).';

  return {
    '/api/v1/generate': {
      post: operation({
        operationId: 'generate',
        summary: 'Start a video job',
        description: `Records the job, charges its cost in the same transaction and starts it. ${rules}`,
        tags: ['Jobs'],
        security: KEY_OR_SESSION,
        parameters: [paramRef('IdempotencyKey'), paramRef('WebClient')],
        requestBody: { required: true, content: { 'multipart/form-data': { schema: form(true), encoding } } },
        responses: {
          '202': jsonResponse('Accepted: poll `/status/{job_id}`. A replay of an `Idempotency-Key` carries `Idempotent-Replayed: true`.', 'JobAccepted', ...RATE_LIMITED, 'Idempotent-Replayed'),
        },
        errors: [400, 401, 402, 403, 409, 413, 415, 422, 429, 503],
      }),
    },
    '/api/v1/estimate': {
      post: operation({
        operationId: 'estimate',
        summary: 'Price a job without starting it',
        description:
          `The same fields, checks and messages as \`POST /generate\`, the image optional (checked the same way when sent, then deleted). Records, charges and starts nothing. ${rules} ` +
          'The fields may also come as one JSON object (numbers and booleans as JSON values or as text; no image).',
        tags: ['Jobs'],
        security: KEY_OR_SESSION,
        parameters: [paramRef('WebClient')],
        requestBody: {
          required: true,
          content: {
            'multipart/form-data': { schema: form(false), encoding },
            'application/json': { schema: fields },
          },
        },
        responses: { '200': jsonResponse('What the job would cost, and the balance now.', 'Estimate', ...RATE_LIMITED) },
        errors: [400, 401, 403, 413, 415, 429, 503],
      }),
    },
    '/api/v1/status/{job_id}': {
      get: operation({
        operationId: 'getStatus',
        summary: "A job's status",
        description:
          'While PROCESSING: `stage`, `progress`, and while waiting `queue_position` and `eta_seconds`; when COMPLETED: signed `video_url` and `poster_url`; when FAILED: `error`. ' +
          'With `Prefer: wait=N` a running job is answered when it ends (or after N seconds) instead of at once.',
        tags: ['Jobs'],
        security: KEY_OR_SESSION,
        parameters: [paramRef('JobId'), paramRef('PreferWait')],
        responses: { '200': jsonResponse('The job.', 'JobStatus', ...RATE_LIMITED, 'Preference-Applied') },
        errors: [401, 404, 429, 503],
      }),
    },
    '/api/v1/cancel/{job_id}': {
      post: operation({
        operationId: 'cancelJob',
        summary: 'Cancel a running job',
        description: 'Until its video is stored: the job then ends FAILED (`The job was cancelled.`) and is refunded. From `finalizing` on, or once finished: 409.',
        tags: ['Jobs'],
        security: KEY_OR_SESSION,
        parameters: [paramRef('JobId'), paramRef('WebClient')],
        responses: { '202': jsonResponse('Cancellation requested.', 'CancelAccepted', ...RATE_LIMITED) },
        errors: [401, 403, 404, 409, 429, 503],
      }),
    },
    '/api/v1/jobs/{job_id}': {
      get: operation({
        operationId: 'getJob',
        summary: 'A job with what it was made from',
        description: 'The status body plus `prompt`, `params` (by their `/generate` names) and a signed `image_url`.',
        tags: ['Jobs'],
        security: KEY_OR_SESSION,
        parameters: [paramRef('JobId')],
        responses: { '200': jsonResponse('The job.', 'JobDetail', ...RATE_LIMITED) },
        errors: [401, 404, 429, 503],
      }),
    },
    '/api/v1/history': {
      get: operation({
        operationId: 'listHistory',
        summary: 'Past jobs, newest first',
        description: 'Keyset paging: the next page\'s cursor comes in `X-Next-Cursor` (and a `Link: rel="next"` that keeps the filters). The last page carries neither.',
        tags: ['Jobs'],
        security: KEY_OR_SESSION,
        parameters: objectProperties(requestSchema(historyQuerySchema)).map(({ name, schema, required }) => ({
          name,
          in: 'query',
          required,
          ...(typeof schema.description === 'string' ? { description: schema.description } : {}),
          schema,
        })),
        responses: { '200': jsonResponse('A page of jobs.', 'HistoryPage', ...RATE_LIMITED, 'X-Next-Cursor', 'Link') },
        errors: [400, 401, 429, 503],
      }),
    },
  };
}
