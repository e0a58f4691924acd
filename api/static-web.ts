import { createReadStream } from 'node:fs';
import { stat } from 'node:fs/promises';
import path from 'node:path';
import type { Middleware } from 'koa';

/** Where `npm run build:web` writes the single-page app. */
export const DEFAULT_WEB_ROOT = path.resolve(import.meta.dirname, '../web/dist');

/** Paths the API owns; everything else a browser asks for belongs to the web app. */
const API_OWNED = /^\/(api|media|healthz|readyz|docs|metrics)(\/|$)/;

const TYPES: Record<string, string> = {
  '.html': 'text/html; charset=utf-8',
  '.js': 'text/javascript; charset=utf-8',
  '.css': 'text/css; charset=utf-8',
  '.map': 'application/json; charset=utf-8',
  '.json': 'application/json; charset=utf-8',
  '.svg': 'image/svg+xml',
  '.png': 'image/png',
  '.ico': 'image/x-icon',
  '.webp': 'image/webp',
  '.txt': 'text/plain; charset=utf-8',
  '.woff2': 'font/woff2',
};

// Signed media links may point at Google Cloud Storage, or at PUBLIC_URL when it names this
// server differently (localhost against 127.0.0.1): images and video may come from elsewhere.
const CSP = [
  "default-src 'self'",
  "script-src 'self'",
  "style-src 'self'",
  "img-src 'self' data: blob: http: https:",
  "media-src 'self' blob: http: https:",
  "connect-src 'self' http: https:",
  "object-src 'none'",
  "base-uri 'self'",
  "form-action 'self'",
  "frame-ancestors 'none'",
].join('; ');

/**
 * Serves the built web app: files under `root` as they are, and `index.html` for any other
 * GET that is not the API's, so client-side routes survive a reload. Vite names assets by
 * their content hash, so those are cached for good; the index is revalidated every time.
 */
export function serveWebApp(options: { root: string }): Middleware {
  const root = path.resolve(options.root);
  return async function webApp(ctx, next) {
    if ((ctx.method !== 'GET' && ctx.method !== 'HEAD') || API_OWNED.test(ctx.path)) return next();

    let relative: string;
    try {
      relative = decodeURIComponent(ctx.path);
    } catch {
      return next();
    }
    const file = path.resolve(root, `.${path.posix.normalize(relative)}`);
    if (file !== root && !file.startsWith(root + path.sep)) return next();

    const found = await fileSize(file);
    if (found !== null && path.basename(file) !== 'index.html') {
      ctx.set('Cache-Control', relative.startsWith('/assets/') ? 'public, max-age=31536000, immutable' : 'public, max-age=3600');
      return send(ctx, file, found);
    }
    // A missing asset is a 404, not the app; a path that names no file is one of the app's routes.
    if (found === null && (relative.startsWith('/assets/') || path.extname(relative) !== '')) return next();

    const index = path.join(root, 'index.html');
    const indexSize = await fileSize(index);
    ctx.set('Cache-Control', 'no-cache');
    if (indexSize === null) {
      ctx.status = 503;
      ctx.type = 'text/plain';
      ctx.body = 'The web app is not built. Run `npm run build:web` (npm install and npm start do it), then reload.\n';
      return;
    }
    ctx.set('Content-Security-Policy', CSP);
    ctx.set('X-Content-Type-Options', 'nosniff');
    ctx.set('Referrer-Policy', 'same-origin');
    ctx.set('X-Frame-Options', 'DENY');
    return send(ctx, index, indexSize);
  };
}

async function fileSize(file: string): Promise<number | null> {
  try {
    const s = await stat(file);
    return s.isFile() ? s.size : null;
  } catch {
    return null;
  }
}

function send(ctx: Parameters<Middleware>[0], file: string, size: number): void {
  // An empty string keeps HEAD a 200 (a null body would read as 204) and opens no file.
  ctx.body = ctx.method === 'HEAD' ? '' : createReadStream(file);
  ctx.status = 200;
  ctx.type = TYPES[path.extname(file)] ?? 'application/octet-stream';
  ctx.length = size;
}
