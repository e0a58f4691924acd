import assert from 'node:assert/strict';
import { randomUUID } from 'node:crypto';
import { setTimeout as sleep } from 'node:timers/promises';
import type { Kysely } from 'kysely';
import { creditBalance } from '../../infra/db/credits.js';
import type { Database } from '../../infra/db/types.js';
import { makePng } from '../support/images.js';
import type { RecordedSubmission } from '../support/vertex-server.js';

/** What a client saw: every answer's status, and the jobs it was promised (202). */
export class ChaosClient {
  readonly accepted = new Map<string, { model: string; token: string }>();
  readonly badAnswers: string[] = [];
  answers = 0;

  constructor(
    readonly baseUrl: () => string,
    readonly apiKey: string,
  ) {}

  /** Any answer of ours must be a success, a 4xx, or a 503 with Retry-After while something is down. */
  #note(what: string, res: Response): void {
    this.answers++;
    if (res.status >= 500 && !(res.status === 503 && res.headers.get('retry-after'))) this.badAnswers.push(`${what} → ${res.status}`);
  }

  async #fetch(what: string, route: string, init: RequestInit = {}): Promise<Response | null> {
    try {
      const res = await fetch(`${this.baseUrl()}${route}`, { ...init, headers: { 'X-API-Key': this.apiKey, ...init.headers }, signal: AbortSignal.timeout(20_000) });
      this.#note(what, res);
      return res;
    } catch {
      // The API process is down or was killed mid-answer: what a load balancer would retry.
      return null;
    }
  }

  /**
   * Submits one job, retrying as a careful client does (same Idempotency-Key) until it gets an
   * answer that is not an outage; the job counts as promised only on a 202.
   */
  async submit(model: 'wan2.1' | 'veo3.1', token: string): Promise<void> {
    const idempotencyKey = randomUUID();
    const fields: Record<string, string> =
      model === 'wan2.1' ? { model, prompt: `chaos ${token} end`, width: '64', height: '64', length: '5', steps: '2' } : { model, prompt: `chaos ${token} end`, duration_seconds: '4' };
    for (let attempt = 0; attempt < 200; attempt++) {
      const form = new FormData();
      form.append('image', new Blob([new Uint8Array(makePng(96, 64))]), 'source.png');
      for (const [k, v] of Object.entries(fields)) form.append(k, v);
      const res = await this.#fetch(`POST /generate ${token}`, '/api/v1/generate', { method: 'POST', body: form, headers: { 'Idempotency-Key': idempotencyKey } });
      if (res && res.status === 202) {
        const body = (await res.json()) as { job_id: string };
        this.accepted.set(body.job_id, { model, token });
        return;
      }
      if (res && res.status < 500 && res.status !== 409 && res.status !== 429) {
        assert.fail(`POST /generate ${token} answered ${res.status}: ${await res.text()}`);
      }
      await res?.body?.cancel();
      await sleep(250);
    }
    assert.fail(`POST /generate ${token} got no answer in 200 tries`);
  }

  /** Polls every promised job until none is PROCESSING. */
  async waitForAll(timeoutMs: number, diagnose: (jobIds: string[]) => Promise<string> = async () => ''): Promise<Map<string, string>> {
    const deadline = Date.now() + timeoutMs;
    const final = new Map<string, string>();
    while (final.size < this.accepted.size) {
      for (const jobId of this.accepted.keys()) {
        if (final.has(jobId)) continue;
        const res = await this.#fetch('GET /status', `/api/v1/status/${jobId}`);
        if (!res || res.status !== 200) continue;
        const body = (await res.json()) as { status: string };
        if (body.status !== 'PROCESSING') final.set(jobId, body.status);
      }
      if (Date.now() > deadline) {
        const left = [...this.accepted.keys()].filter((id) => !final.has(id));
        assert.fail(`${left.length} jobs still PROCESSING after ${timeoutMs / 1000} s:\n${await diagnose(left)}`);
      }
      await sleep(500);
    }
    return final;
  }

  /** Every job in history, walking all pages. */
  async historyIds(): Promise<string[]> {
    const ids: string[] = [];
    let cursor: string | null = null;
    for (;;) {
      const res = await this.#fetch('GET /history', `/api/v1/history?limit=100${cursor ? `&cursor=${cursor}` : ''}`);
      assert.ok(res && res.status === 200, 'history must answer once the service is back');
      ids.push(...((await res.json()) as Array<{ id: string }>).map((j) => j.id));
      cursor = res.headers.get('x-next-cursor');
      if (!cursor) return ids;
    }
  }
}

/**
 * The promises a chaos run must keep: every promised job ended well (or failed with its refund),
 * the balance is the allowance less the cost of completed jobs, the ledger holds one reserve and
 * at most one refund per job, Veo was asked once per job, history lists each job once.
 */
export async function assertPromisesKept(options: {
  readonly db: Kysely<Database>;
  readonly accountId: string;
  readonly allowance: number;
  readonly client: ChaosClient;
  readonly final: Map<string, string>;
  readonly veoSubmissions?: readonly RecordedSubmission[];
  readonly context: string;
}): Promise<void> {
  const { db, accountId, client, final, context } = options;
  assert.deepEqual(client.badAnswers, [], `5xx answers other than 503 + Retry-After (${context})`);

  const jobs = await db.selectFrom('jobs').select(['id', 'status', 'cost', 'error', 'model']).where('account_id', '=', accountId).execute();
  const byId = new Map(jobs.map((j) => [j.id, j]));
  for (const [jobId, status] of final) {
    const job = byId.get(jobId);
    assert.ok(job, `job ${jobId} got a 202 but has no record (${context})`);
    assert.equal(job.status, status);
  }
  const failed = jobs.filter((j) => j.status === 'FAILED' && client.accepted.has(j.id));
  const ledger = await db.selectFrom('credit_ledger').select(['job_id', 'kind', 'amount']).where('account_id', '=', accountId).where('job_id', 'is not', null).execute();
  for (const job of jobs) {
    const kinds = ledger.filter((l) => l.job_id === job.id).map((l) => l.kind).sort();
    // A promised job was reserved; a job recorded by an API killed before its 202 may not have been.
    const promised = client.accepted.has(job.id);
    const allowed =
      job.status === 'COMPLETED' ? [['reserve']] : job.status === 'FAILED' ? (promised ? [['refund', 'reserve']] : [['refund', 'reserve'], []]) : [['reserve'], []];
    assert.ok(
      allowed.some((a) => a.join() === kinds.join()),
      `job ${job.id} (${job.status}${job.error ? `: ${job.error}` : ''}${promised ? '' : ', never promised'}) has ledger entries [${kinds.join(', ')}] (${context})`,
    );
  }
  const stuck = jobs.filter((j) => j.status === 'PROCESSING');
  assert.deepEqual(stuck.map((j) => j.id), [], `jobs left PROCESSING (${context})`);
  const completedCost = jobs.filter((j) => j.status === 'COMPLETED').reduce((sum, j) => sum + j.cost, 0);
  assert.equal(await creditBalance(db, accountId), options.allowance - completedCost, `balance (${context})`);

  // Failure is the right answer only for a job that a fault made impossible: say which, and why.
  assert.ok(failed.length <= Math.ceil(final.size / 10), `${failed.length} of ${final.size} jobs failed (${context}): ${failed.map((j) => j.error).join(' | ')}`);

  if (options.veoSubmissions) {
    for (const [jobId, { model, token }] of client.accepted) {
      if (model !== 'veo3.1') continue;
      const n: number = options.veoSubmissions.filter((s) => String(s.body.instances[0]?.prompt ?? '').includes(`chaos ${token} end`)).length;
      const status = final.get(jobId);
      assert.equal(n, status === 'COMPLETED' ? 1 : Math.min(n, 1), `Veo job ${jobId} (${token}, ${status}) was submitted to Google ${n} times (${context})`);
    }
  }

  const history = await client.historyIds();
  assert.equal(new Set(history).size, history.length, `a job is in history twice (${context})`);
  for (const jobId of client.accepted.keys()) assert.ok(history.includes(jobId), `job ${jobId} is missing from history (${context})`);
}
