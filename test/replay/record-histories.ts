/**
 * Records the histories that test/replay/replay.test.ts replays: one job per path through the
 * workflow, run on the real Temporal dev server with the test engines. Only histories not yet
 * saved are recorded (or those named on the command line): a saved history is what proves a
 * change still replays jobs already in flight, so it is never re-recorded by new code.
 *   npx tsx test/replay/record-histories.ts [name ...]
 * Saved by earlier workflow code and kept as they are: wan-completed, veo-completed-after-polls,
 * veo-completed-before-operation-memo, wan-engine-failed, wan-insufficient-credits (the workflow
 * reserved credits itself) and wan-cancelled (Temporal's cancel request).
 */
import { execFile } from 'node:child_process';
import { existsSync } from 'node:fs';
import { writeFile } from 'node:fs/promises';
import path from 'node:path';
import { promisify } from 'node:util';
import { defaultTemporalBinary } from '../../infra/temporal/dev-server.js';
import { openTestPostgres } from '../support/databases.js';
import { ApiClient, waitUntil } from '../support/http.js';
import { startPipeline, startTemporalFixture } from '../support/pipeline.js';
import { startWebhookReceiver } from '../support/webhook-receiver.js';

const receiver = await startWebhookReceiver(() => ({ status: 200 }));
const hook = `http://127.0.0.1:${receiver.port}/hook`;

// Credits charged at submit; cancels through the cancelJob update; finalizing as an activity; webhooks.
const allCases: Array<{ name: string; fields: Record<string, string>; credits?: number; cancel?: boolean }> = [
  { name: 'charged-at-submit-wan-completed', fields: { prompt: 'replay: wan' } },
  { name: 'charged-at-submit-veo-completed-after-polls', fields: { prompt: 'replay: veo [polls=3]', model: 'veo3.1' } },
  { name: 'charged-at-submit-wan-engine-failed', fields: { prompt: 'replay: [fail]' } },
  { name: 'charged-at-submit-wan-cancelled', fields: { prompt: 'replay: [hold]' }, cancel: true },
  { name: 'wan-completed-webhook', fields: { prompt: 'replay: wan with webhook', webhook_url: hook } },
  { name: 'wan-failed-webhook', fields: { prompt: 'replay: [fail] with webhook', webhook_url: hook } },
  // Every change behind one marker (workflows/job-changes.ts), the search attributes as the API set them at start.
  { name: 'all-changes-wan-completed', fields: { prompt: 'replay: wan, every change at once' } },
  { name: 'all-changes-veo-completed-after-polls', fields: { prompt: 'replay: veo [polls=2], every change at once', model: 'veo3.1' } },
  { name: 'all-changes-wan-failed-webhook', fields: { prompt: 'replay: [fail] with webhook, every change at once', webhook_url: hook } },
  { name: 'all-changes-wan-cancelled', fields: { prompt: 'replay: [hold], every change at once' }, cancel: true },
];
const historyFile = (name: string) => path.join(import.meta.dirname, 'histories', `${name}.json`);
const named = process.argv.slice(2);
const cases = allCases.filter((c) => (named.length > 0 ? named.includes(c.name) : !existsSync(historyFile(c.name))));

const temporal = await startTemporalFixture();
const pipeline = await startPipeline(temporal, { name: 'postgres', open: () => openTestPostgres() }, { WEBHOOK_HTTP_HOSTS: '127.0.0.1', WEBHOOK_ALLOW_PRIVATE_TARGETS: 'true' });
try {
  for (const c of cases) {
    const api = new ApiClient(pipeline.api.url, (await pipeline.newAccount(c.credits ?? 1000)).apiKey);
    const jobId = String((await api.generate(c.fields)).body.job_id);
    if (c.cancel) {
      await waitUntil('the render to start', () => pipeline.engines.started.has(jobId));
      await api.request('POST', `/cancel/${jobId}`);
    }
    await api.waitForJob(jobId);
    // The CLI writes the JSON history format that historyFromJSON and Temporal's own tools read.
    const { stdout } = await promisify(execFile)(defaultTemporalBinary, ['workflow', 'show', '--workflow-id', jobId, '--address', temporal.server.address, '--output', 'json'], { maxBuffer: 64 << 20 });
    const file = historyFile(c.name);
    await writeFile(file, stdout);
    process.stderr.write(`recorded ${file}\n`);
  }
} finally {
  await pipeline.stop();
  await temporal.stop();
  await receiver.close();
}
