/**
 * The bench's baselines, a bare Koa app run as a child process like the real API:
 * - GET /jobs/:id reads one job row by id from the same database, through the same driver
 *   and pool size the product uses, and returns it as JSON (the baseline for GET /status);
 * - POST /upload-and-start, with TEMPORAL_ADDRESS set, does only the I/O every /generate must
 *   do: it writes the raw request body to a new file and starts one workflow (a floor for
 *   /generate: no multipart parsing, no checks, no job record);
 * - POST /upload-check-record-and-start adds the work issue-level rules make every /generate do
 *   since credits are reserved and images decoded at submit: the same whole-image decode
 *   (api/upload/decode-image.ts) and the same job-and-reservation transaction
 *   (infra/db/job-submission.ts). What /generate does beyond it is the API's own overhead:
 *   multipart parsing, field checks, middleware, authentication, logging and metrics.
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
import { MAX_PIXELS } from '../api/upload/check-submission.js';
import { decodeFailure } from '../api/upload/decode-image.js';
import { connectDatabase } from '../infra/db/connect.js';
import { recordJobWithReservation } from '../infra/db/job-submission.js';
import type { ObjectStorage } from '../infra/storage/object-storage.js';
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
  router.post('/upload-check-record-and-start', async (ctx) => {
    const jobId = randomUUID();
    const accountId = String(ctx.query.account);
    const file = path.join(uploads, jobId);
    await pipeline(ctx.req, createWriteStream(file, { flags: 'wx' }));
    const failure = await decodeFailure({ localPath: () => file } as unknown as ObjectStorage, jobId, MAX_PIXELS);
    if (failure) ctx.throw(400, failure);
    const outcome = await recordJobWithReservation(db, { id: jobId, accountId, model: 'wan2.1', prompt: 'a bench cat', params: {}, cost: 10, inputKey: `jobs/${jobId}/input` });
    if (!outcome.accepted) ctx.throw(402);
    await startBareWorkflow(client, taskQueue, accountId, jobId);
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
