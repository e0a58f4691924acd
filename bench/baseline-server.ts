/**
 * The bench's baselines, a bare Koa app run as a child process like the real API:
 * - GET /jobs/:id reads one job row by id from the same database, through the same driver
 *   and pool size the product uses, and returns it as JSON (the baseline for GET /status);
 * - POST /upload-and-start, with TEMPORAL_ADDRESS set, does only the I/O every /generate must
 *   do: it writes the raw request body to a new file and starts one workflow (a floor for
 *   /generate: no multipart parsing, no checks, no job record).
 */
import { randomUUID } from 'node:crypto';
import { createWriteStream } from 'node:fs';
import { mkdir } from 'node:fs/promises';
import http from 'node:http';
import os from 'node:os';
import path from 'node:path';
import { pipeline } from 'node:stream/promises';
import Router from '@koa/router';
import { Client, Connection } from '@temporalio/client';
import Koa from 'koa';
import { connectDatabase } from '../infra/db/connect.js';
import { startBareWorkflow } from './bare-start.js';

const url = process.env.DATABASE_URL;
const port = Number(process.env.PORT);
if (!url || !Number.isInteger(port)) {
  process.stderr.write('baseline-server: DATABASE_URL and PORT are required\n');
  process.exit(2);
}
const db = connectDatabase(url, Number(process.env.DATABASE_POOL_SIZE ?? 10));

const app = new Koa();
const router = new Router();
router.get('/jobs/:id', async (ctx) => {
  const row = await db.selectFrom('jobs').selectAll().where('id', '=', ctx.params.id!).executeTakeFirst();
  if (!row) ctx.throw(404);
  ctx.body = row;
});

const temporalAddress = process.env.TEMPORAL_ADDRESS;
const connection = temporalAddress ? await Connection.connect({ address: temporalAddress }) : undefined;
if (connection) {
  const client = new Client({ connection });
  const taskQueue = `bench-unpolled-${randomUUID()}`;
  const uploads = process.env.UPLOAD_DIR ?? path.join(os.tmpdir(), `vivid-bench-uploads-${process.pid}`);
  await mkdir(uploads, { recursive: true });
  router.post('/upload-and-start', async (ctx) => {
    await pipeline(ctx.req, createWriteStream(path.join(uploads, randomUUID()), { flags: 'wx' }));
    await startBareWorkflow(client, taskQueue, String(ctx.query.account));
    ctx.status = 202;
    ctx.body = { ok: true };
  });
}
app.use(router.routes());

const server = http.createServer(app.callback());
server.keepAliveTimeout = 65_000;
server.listen(port, '127.0.0.1');

const stop = (): void => {
  server.close();
  server.closeIdleConnections();
  void Promise.all([db.destroy(), connection?.close()]).finally(() => process.exit(0));
};
process.on('SIGTERM', stop);
process.on('SIGINT', stop);
