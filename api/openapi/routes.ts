import { createReadStream } from 'node:fs';
import { stat } from 'node:fs/promises';
import { createRequire } from 'node:module';
import path from 'node:path';
import Router from '@koa/router';
import { DOCS_ASSETS, DOCS_CSP, DOCS_HTML, DOCS_START, DOCS_START_SCRIPT } from './docs-page.js';
import { openApiDocument, type OpenApiOptions } from './document.js';

/** Found when first asked for, so an install without the package loses the page, not the API. */
let swaggerUiRoot: string | undefined;
function swaggerUiFile(name: string): string {
  swaggerUiRoot ??= path.dirname(createRequire(import.meta.url).resolve('swagger-ui-dist/package.json'));
  return path.join(swaggerUiRoot, name);
}

/** `GET /api/v1/openapi.json` and the `/docs` page over it; no credential needed. */
export function referenceRoutes(options: OpenApiOptions): Router {
  const router = new Router();
  // Built once: the document follows the code and the settings, neither of which changes while running.
  const document = JSON.stringify(openApiDocument(options));

  router.get('/api/v1/openapi.json', (ctx) => {
    ctx.type = 'application/json';
    ctx.set('Cache-Control', 'no-cache');
    ctx.body = document;
  });

  router.get('/docs', (ctx) => {
    ctx.type = 'text/html; charset=utf-8';
    ctx.set('Content-Security-Policy', DOCS_CSP);
    ctx.set('X-Content-Type-Options', 'nosniff');
    ctx.set('Cache-Control', 'no-cache');
    ctx.body = DOCS_HTML;
  });

  router.get('/docs/:asset', async (ctx) => {
    const asset = ctx.params.asset!;
    ctx.set('X-Content-Type-Options', 'nosniff');
    if (asset === DOCS_START_SCRIPT) {
      ctx.type = 'text/javascript; charset=utf-8';
      ctx.body = DOCS_START;
      return;
    }
    if (!Object.hasOwn(DOCS_ASSETS, asset)) {
      ctx.status = 404;
      ctx.body = { error: `No such file: /docs/${asset}` };
      return;
    }
    const file = swaggerUiFile(asset);
    const { size } = await stat(file);
    // Headers after the body: assigning a body makes Koa reset its type and length.
    ctx.body = ctx.method === 'HEAD' ? '' : createReadStream(file);
    ctx.type = DOCS_ASSETS[asset as keyof typeof DOCS_ASSETS];
    ctx.length = size;
    ctx.set('Cache-Control', 'public, max-age=3600');
  });

  return router;
}
