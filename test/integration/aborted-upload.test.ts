/** A client that closes the connection mid-upload: logged as a client abort at info, never as an error, and nothing kept. */
import assert from 'node:assert/strict';
import { readdir } from 'node:fs/promises';
import net from 'node:net';
import path from 'node:path';
import { after, before, test } from 'node:test';
import { createLogger } from '../../infra/log/logger.js';
import { databaseCases } from '../support/databases.js';
import { ApiClient, waitUntil } from '../support/http.js';
import { makePng } from '../support/images.js';
import { startPipeline, startTemporalFixture, type Pipeline, type TemporalFixture } from '../support/pipeline.js';

let temporal: TemporalFixture;
let pipeline: Pipeline;
before(async () => {
  temporal = await startTemporalFixture();
  pipeline = await startPipeline(temporal, databaseCases()[0]!);
});
after(async () => {
  await pipeline.stop();
  await temporal.stop();
});

/** Stored objects under jobs/, as `<job folder>/<name>`. */
async function storedUnderJobs(): Promise<string[]> {
  const root = path.join(pipeline.config.dataDir, 'objects', 'jobs');
  const found: string[] = [];
  for (const dir of await readdir(root).catch(() => [] as string[])) {
    for (const name of await readdir(path.join(root, dir)).catch(() => [] as string[])) found.push(`${dir}/${name}`);
  }
  return found;
}

test('an upload the client abandons is logged once as a client abort at info, not as an error, and keeps no job or upload', async () => {
  const lines: Array<Record<string, unknown>> = [];
  const api = await pipeline.startAnotherApi(createLogger({ level: 'debug', component: 'api', write: (line) => lines.push(JSON.parse(line) as Record<string, unknown>) }));
  const { accountId, apiKey } = await pipeline.newAccount(100);

  // Half of a multipart body that announces a megabyte more, then the connection closes.
  const part = Buffer.concat([
    Buffer.from('--X\r\nContent-Disposition: form-data; name="prompt"\r\n\r\nhi\r\n--X\r\nContent-Disposition: form-data; name="image"; filename="a.png"\r\nContent-Type: image/png\r\n\r\n'),
    makePng(512, 512),
  ]);
  const socket = net.connect(Number(new URL(api.url).port), '127.0.0.1');
  await new Promise<void>((resolve, reject) => socket.once('connect', resolve).once('error', reject));
  socket.write(`POST /api/v1/generate HTTP/1.1\r\nHost: 127.0.0.1\r\nX-API-Key: ${apiKey}\r\nContent-Type: multipart/form-data; boundary=X\r\nContent-Length: ${part.length + 1_000_000}\r\n\r\n`);
  socket.write(part);
  // The image has started to stream into storage before the client goes.
  const before = new Set(await storedUnderJobs());
  await waitUntil('the upload to reach storage', async () => (await storedUnderJobs()).some((key) => !before.has(key)));
  socket.destroy();

  await waitUntil('the abort to be logged', () => lines.some((l) => l.message === 'client aborted the request'));
  const aborts = lines.filter((l) => l.message === 'client aborted the request');
  assert.equal(aborts.length, 1, JSON.stringify(lines));
  assert.equal(aborts[0]!.level, 'info');
  assert.equal(aborts[0]!.method, 'POST');
  assert.equal(aborts[0]!.path, '/api/v1/generate');
  assert.deepEqual(
    lines.filter((l) => l.level === 'error' || l.level === 'warn'),
    [],
    'no error or warning',
  );
  assert.deepEqual(await pipeline.database.db.selectFrom('jobs').select('id').where('account_id', '=', accountId).execute(), []);
  await waitUntil('the partial upload to be deleted', async () => (await storedUnderJobs()).every((key) => before.has(key)));

  // The API goes on serving.
  assert.equal((await new ApiClient(api.url, apiKey).usage()).status, 200);
});
