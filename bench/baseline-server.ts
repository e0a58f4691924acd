/**
 * The baseline for GET /status: a bare Koa app, run as a child process like the real API,
 * whose one route reads one job row by id from the same database, through the same driver
 * and pool size the product uses, and returns it as JSON.
 */
import http from 'node:http';
import Router from '@koa/router';
import Koa from 'koa';
import { connectDatabase } from '../infra/db/connect.js';

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
app.use(router.routes());

const server = http.createServer(app.callback());
server.keepAliveTimeout = 65_000;
server.listen(port, '127.0.0.1');

const stop = (): void => {
  server.close();
  server.closeIdleConnections();
  void db.destroy().finally(() => process.exit(0));
};
process.on('SIGTERM', stop);
process.on('SIGINT', stop);
