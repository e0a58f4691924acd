import { errorResponses, headers, parameters, securitySchemes } from './components.js';
import { accountPaths, authPaths } from './paths-account.js';
import { jobPaths } from './paths-jobs.js';
import { servicePaths } from './paths-service.js';
import { componentSchemas } from './schemas.js';

export interface OpenApiOptions {
  /** MAX_IMAGE_BYTES, stated in the image's description. */
  readonly maxImageBytes: number;
}

/**
 * The OpenAPI 3.1 description of every route the app registers, made from the zod schemas the
 * routes validate with and type their answers by. `test/integration/openapi.test.ts` checks it
 * against the routes the app really has and the answers the running stack really gives.
 */
export function openApiDocument(options: OpenApiOptions) {
  return {
    openapi: '3.1.0',
    info: {
      title: 'Vivid Flow API',
      version: '1.1',
      description:
        'Send a still image and a prompt, get back a video: Wan 2.1 on your own GPUs, or Google Veo 3.1. The public contract is the Vivid Flow API v1.1; ' +
        'everything else here adds to it without changing it. Every error is `{"error": "…"}`, with `code`, `param` and `request_id` beside it where known.',
    },
    servers: [{ url: '/', description: 'This server' }],
    security: [{ ApiKey: [] }, { SessionCookie: [] }],
    tags: [
      { name: 'Jobs', description: 'Making videos, and what became of them.' },
      { name: 'Account', description: 'Credits, spending and API keys.' },
      { name: 'Sign-in', description: 'Accounts and sessions for the web app.' },
      { name: 'Service', description: 'Health, metrics, signed media and this reference.' },
    ],
    paths: { ...jobPaths(options), ...accountPaths(), ...authPaths(), ...servicePaths() },
    components: { schemas: componentSchemas(), responses: errorResponses, headers, parameters, securitySchemes },
  };
}

export type OpenApiDocument = ReturnType<typeof openApiDocument>;
