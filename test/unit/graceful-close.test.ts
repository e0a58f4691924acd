import assert from 'node:assert/strict';
import http from 'node:http';
import net, { type AddressInfo } from 'node:net';
import { test } from 'node:test';
import { setTimeout as sleep } from 'node:timers/promises';
import { gracefulCloser } from '../../infra/net/graceful-close.js';

/** A server whose handler is given per test, with its closer; `get` makes a keep-alive request. */
async function serve(handler: http.RequestListener) {
  const server = http.createServer();
  const closer = gracefulCloser(server);
  server.on('request', handler);
  server.keepAliveTimeout = 60_000;
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  const agent = new http.Agent({ keepAlive: true });
  const get = (path = '/') =>
    new Promise<{ status: number; connection: string | undefined; body: string }>((resolve, reject) => {
      http
        .get({ host: '127.0.0.1', port, path, agent }, (res) => {
          let body = '';
          res.on('data', (d: Buffer) => (body += d.toString()));
          res.on('end', () => resolve({ status: res.statusCode!, connection: res.headers.connection, body }));
        })
        .on('error', reject);
    });
  return { server, closer, port, agent, get };
}

async function timed<T>(work: Promise<T>): Promise<{ value: T; ms: number }> {
  const t0 = Date.now();
  const value = await work;
  return { value, ms: Date.now() - t0 };
}

test('a kept-alive connection and a socket that never sent a byte do not hold the stop', async () => {
  const { closer, port, agent, get } = await serve((_req, res) => res.end('ok'));
  assert.equal((await get()).body, 'ok');
  const silent = net.connect(port, '127.0.0.1');
  await new Promise((resolve) => silent.once('connect', resolve));
  const silentClosed = new Promise((resolve) => silent.once('close', resolve));
  silent.on('error', () => {});

  const { value: cut, ms } = await timed(closer.close(5000));
  assert.deepEqual(cut, []);
  assert.ok(ms < 2000, `the stop waited ${ms} ms for connections with nothing in progress`);
  await silentClosed;
  agent.destroy();
});

test('a request under way finishes, told not to reuse its connection, and the stop ends with it', async () => {
  let started!: () => void;
  const arrived = new Promise<void>((resolve) => (started = resolve));
  const { closer, agent, get } = await serve((_req, res) => {
    started();
    setTimeout(() => res.end('finished'), 400);
  });
  const answer = get();
  await arrived;
  const { value: cut, ms } = await timed(closer.close(5000));
  const res = await answer;
  assert.equal(res.status, 200);
  assert.equal(res.body, 'finished');
  assert.equal(res.connection, 'close');
  assert.deepEqual(cut, []);
  assert.ok(ms < 2000, `the stop took ${ms} ms after a 400 ms request`);
  agent.destroy();
});

test('the closing signal fires when the stop begins, so a long wait can answer then', async () => {
  const server: { closing?: AbortSignal } = {};
  const { closer, agent, get } = await serve((_req, res) => {
    // A long poll: answers when its wait ends or the server begins to stop.
    const timer = setTimeout(() => res.end('waited out'), 30_000);
    server.closing!.addEventListener('abort', () => {
      clearTimeout(timer);
      res.end('stopping');
    });
  });
  server.closing = closer.closing;
  assert.equal(server.closing.aborted, false);
  const answer = get();
  await sleep(200);
  const { value: cut, ms } = await timed(closer.close(10_000));
  assert.equal((await answer).body, 'stopping');
  assert.deepEqual(cut, []);
  assert.ok(ms < 2000, `the stop took ${ms} ms`);
  agent.destroy();
});

test('a request that outlasts the grace is cut, and the stop names it (without its query)', async () => {
  const { closer, agent, get } = await serve(() => {
    // Never answers.
  });
  const answer = get('/never?token=secret').then(
    () => 'answered',
    (err: NodeJS.ErrnoException) => err.code,
  );
  await sleep(200);
  const { value: cut, ms } = await timed(closer.close(300));
  assert.deepEqual(cut, ['GET /never']);
  assert.ok(ms >= 250, `cut after ${ms} ms, before the grace`);
  assert.equal(await answer, 'ECONNRESET');
  agent.destroy();
});
