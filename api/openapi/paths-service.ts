import { OPEN } from './components.js';
import { jsonResponse, operation } from './operations.js';

/** What is not the versioned API: health, metrics, signed media, this document and its page. */
export function servicePaths() {
  const text = (description: string, type: string) => ({ description, content: { [type]: { schema: { type: 'string' } } } });
  return {
    '/healthz': {
      get: operation({ operationId: 'healthz', summary: 'Alive', tags: ['Service'], security: OPEN, responses: { '200': jsonResponse('The process answers.', 'Health') } }),
    },
    '/readyz': {
      get: operation({
        operationId: 'readyz',
        summary: 'Ready: its dependencies answer',
        tags: ['Service'],
        security: OPEN,
        responses: { '200': jsonResponse('Every dependency answers.', 'Readiness'), '503': jsonResponse('Some do not; `checks` names them.', 'Readiness') },
      }),
    },
    '/metrics': {
      get: operation({ operationId: 'metrics', summary: 'Prometheus metrics', tags: ['Service'], security: OPEN, responses: { '200': text('The text exposition format.', 'text/plain') } }),
    },
    '/media/{key}': {
      get: operation({
        operationId: 'getMedia',
        summary: 'A stored video, poster, preview or source image, by signed link',
        description: 'Served by the API with local storage (GCS links go to Google). The links come from `/status`, `/history` and `/jobs`; they need no key. `Range` requests get 206.',
        tags: ['Service'],
        security: OPEN,
        parameters: [
          { name: 'key', in: 'path', required: true, description: 'The object key, e.g. `jobs/<id>/video.mp4` (slashes kept).', schema: { type: 'string' } },
          { name: 'expires', in: 'query', required: true, schema: { type: 'integer' } },
          { name: 'signature', in: 'query', required: true, schema: { type: 'string' } },
          { name: 'Range', in: 'header', required: false, schema: { type: 'string' } },
        ],
        responses: {
          '200': { description: 'The object.', content: { 'application/octet-stream': { schema: { type: 'string', contentMediaType: 'application/octet-stream' } } } },
          '206': { description: 'The requested range.', content: { 'application/octet-stream': { schema: { type: 'string', contentMediaType: 'application/octet-stream' } } } },
          '403': jsonResponse('The link has expired, or its signature is wrong.', 'Error'),
          '404': jsonResponse('No such media.', 'Error'),
          '416': jsonResponse('The range is outside the file.', 'Error'),
        },
      }),
    },
    '/api/v1/openapi.json': {
      get: operation({ operationId: 'openapi', summary: 'This document', tags: ['Service'], security: OPEN, responses: { '200': text('OpenAPI 3.1.', 'application/json') } }),
    },
    '/docs': {
      get: operation({ operationId: 'docs', summary: 'This document as a page (Swagger UI, served by the API itself)', tags: ['Service'], security: OPEN, responses: { '200': text('The page.', 'text/html') } }),
    },
    '/docs/{asset}': {
      get: operation({
        operationId: 'docsAsset',
        summary: "The page's script and styles",
        tags: ['Service'],
        security: OPEN,
        parameters: [{ name: 'asset', in: 'path', required: true, schema: { type: 'string' } }],
        responses: { '200': text('The file.', 'text/javascript'), '404': jsonResponse('No such file.', 'Error') },
      }),
    },
  };
}
