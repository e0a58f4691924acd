import assert from 'node:assert/strict';
import { request } from 'node:http';
import { readdir } from 'node:fs/promises';
import path from 'node:path';
import { after, before, describe, test } from 'node:test';
import { setFlagsFromString } from 'node:v8';
import { runInNewContext } from 'node:vm';
import { databaseCases } from '../support/databases.js';
import { ApiClient, waitUntil } from '../support/http.js';
import { startPipeline, startTemporalFixture, type Pipeline, type TemporalFixture } from '../support/pipeline.js';
import { Random, seedFrom } from '../support/random.js';
import { fuzzRequest, type FuzzRequest } from './requests.js';

/**
 * Generated hostile requests to every route. Every answer must be a documented success or a
 * 4xx with a JSON `error`: no 5xx, no hang, no crash. Afterwards the API holds no more memory
 * than it did early in the run, and the database and storage agree with what was accepted.
 *
 * FUZZ_SEED repeats a run; FUZZ_REQUESTS (default 2000) sets its length.
 */
const seed = seedFrom(process.env.FUZZ_SEED);
const total = Number(process.env.FUZZ_REQUESTS ?? 2000);
const CONCURRENCY = 4;
const TIMEOUT_MS = 15_000;
const SUCCESSES = new Set([200, 202, 204, 206]);

interface Answer {
  readonly status: number;
  readonly body: Buffer;
  readonly headers: Record<string, string | string[] | undefined>;
}

function send(baseUrl: string, req: FuzzRequest): Promise<Answer> {
  const url = new URL(baseUrl);
  return new Promise((resolve, reject) => {
    const r = request(
      { host: url.hostname, port: url.port, method: req.method, path: req.path, headers: { ...req.headers, ...(req.body ? { 'content-length': String(req.body.length) } : {}) }, timeout: TIMEOUT_MS },
      (res) => {
        const chunks: Buffer[] = [];
        res.on('data', (c: Buffer) => chunks.push(c));
        res.on('end', () => resolve({ status: res.statusCode ?? 0, body: Buffer.concat(chunks), headers: res.headers }));
        res.on('error', reject);
      },
    );
    r.on('timeout', () => r.destroy(new Error(`no answer within ${TIMEOUT_MS} ms`)));
    r.on('error', (err: NodeJS.ErrnoException) => {
      // A server may answer and close before it has read a body it refused (an over-size upload).
      if (err.code === 'EPIPE' || err.code === 'ECONNRESET') resolve({ status: -1, body: Buffer.alloc(0), headers: {} });
      else reject(err);
    });
    r.end(req.body);
  });
}

function gcHeapBytes(): number {
  setFlagsFromString('--expose-gc');
  const gc = runInNewContext('gc') as () => void;
  gc();
  gc();
  return process.memoryUsage().heapUsed;
}

// The embedded database is exercised by the chaos suite; the fuzz run needs one real server.
const databaseCase = databaseCases().find((c) => c.name === 'postgres')!;

describe(`fuzzing every route (seed ${seed}, ${total} requests; FUZZ_SEED=${seed} repeats it)`, () => {
  let temporal: TemporalFixture;
  let pipeline: Pipeline;
  let apiKey: string;
  let accountId: string;

  before(async () => {
    temporal = await startTemporalFixture();
    pipeline = await startPipeline(temporal, databaseCase, { RATE_LIMIT_PER_MINUTE: '0' });
    ({ apiKey, accountId } = await pipeline.newAccount(10_000_000));
  });
  after(async () => {
    await pipeline?.stop();
    await temporal?.stop();
  });

  test('every answer is a success or a JSON 4xx, memory stays flat, records and storage agree', async () => {
    const rnd = new Random(seed);
    const knownIds: string[] = [];
    const accepted = new Set<string>();
    const failures: string[] = [];
    const counts = new Map<number, number>();
    let heapEarly = 0;
    let sent = 0;

    const one = async (req: FuzzRequest): Promise<void> => {
      const answer = await send(pipeline.api.url, req).catch((err: Error) => {
        failures.push(`${req.label} ${req.method} ${req.path.slice(0, 80)}: ${err.message}`);
        return null;
      });
      if (!answer) return;
      counts.set(answer.status, (counts.get(answer.status) ?? 0) + 1);
      if (answer.status === -1) return;
      const where = `${req.label} ${req.method} ${req.path.slice(0, 80)} → ${answer.status}`;
      if (answer.status >= 500 || (!SUCCESSES.has(answer.status) && (answer.status < 400 || answer.status >= 500))) {
        failures.push(`${where}: ${answer.body.toString().slice(0, 200)}`);
        return;
      }
      // Media is bytes, HEAD and OPTIONS carry headers alone: only their status is checked.
      const bodiless = SUCCESSES.has(answer.status) && (req.path.startsWith('/media/') || req.method === 'OPTIONS');
      if (bodiless || req.method === 'HEAD') return;
      let parsed: unknown;
      try {
        parsed = answer.status === 204 ? {} : JSON.parse(answer.body.toString());
      } catch {
        failures.push(`${where}: the body is not JSON: ${answer.body.toString().slice(0, 120)}`);
        return;
      }
      if (answer.status >= 400 && typeof (parsed as { error?: unknown }).error !== 'string') failures.push(`${where}: no JSON error in ${answer.body.toString().slice(0, 120)}`);
      if (answer.status === 202 && req.path === '/api/v1/generate') {
        const jobId = (parsed as { job_id: string }).job_id;
        accepted.add(jobId);
        knownIds.push(jobId);
      }
    };

    while (sent < total) {
      const batch: Array<Promise<void>> = [];
      for (let i = 0; i < CONCURRENCY && sent < total; i++, sent++) batch.push(one(fuzzRequest(rnd, apiKey, knownIds)));
      await Promise.all(batch);
      if (sent === Math.floor(total / 4)) heapEarly = gcHeapBytes();
    }

    assert.deepEqual(failures.slice(0, 20), [], `${failures.length} bad answers (seed ${seed}); status counts ${JSON.stringify(Object.fromEntries(counts))}`);
    assert.ok(accepted.size > 0, `no request was accepted (seed ${seed}): the generator no longer makes valid jobs`);

    // Every accepted job ends, and the records agree with the ledger.
    const client = new ApiClient(pipeline.api.url, apiKey);
    for (const jobId of accepted) await client.waitForJob(jobId, (b) => b.status !== 'PROCESSING', 60_000);
    const db = pipeline.database.db;
    const jobs = await db.selectFrom('jobs').select(['id', 'status']).where('account_id', '=', accountId).execute();
    assert.deepEqual(jobs.map((j) => j.id).sort(), [...accepted].sort(), 'the jobs recorded are exactly the jobs accepted');
    const ledger = await db.selectFrom('credit_ledger').select(['job_id', 'kind']).where('account_id', '=', accountId).where('job_id', 'is not', null).execute();
    for (const job of jobs) {
      const kinds = ledger.filter((l) => l.job_id === job.id).map((l) => l.kind).sort();
      assert.deepEqual(kinds, job.status === 'FAILED' ? ['refund', 'reserve'] : ['reserve'], `job ${job.id} (${job.status}) has ledger entries ${kinds.join(', ')}`);
    }

    // No upload outlives a refused request: every stored object belongs to an accepted job. (An
    // emptied folder holds nothing: local storage leaves a job's directory when it deletes the object.)
    const jobsDir = path.join(pipeline.config.dataDir, 'objects', 'jobs');
    const orphans = async () => {
      const entries = await readdir(jobsDir, { recursive: true, withFileTypes: true }).catch(() => []);
      return entries.filter((e) => e.isFile()).map((e) => path.relative(jobsDir, path.join(e.parentPath, e.name))).filter((f) => !accepted.has(f.split(path.sep)[0]!));
    };
    await waitUntil('refused uploads to be removed', async () => (await orphans()).length === 0, 10_000).catch(async () => {
      const left = await orphans();
      assert.fail(`${left.length} stored objects belong to no accepted job: ${left.slice(0, 5).join(', ')}`);
    });

    // Retained memory may settle after the first quarter of the run, not grow with it.
    const heapLate = gcHeapBytes();
    const growthMiB = (heapLate - heapEarly) / 2 ** 20;
    assert.ok(growthMiB < 48, `heap grew by ${growthMiB.toFixed(1)} MiB from a quarter of the run to its end (seed ${seed})`);
  });
});
