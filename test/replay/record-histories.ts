/**
 * Records the histories that test/replay/replay.test.ts replays: one job per path through the
 * workflow, run on the real Temporal dev server with the test engines. Re-record only when a
 * workflow change is meant to be incompatible (and versioned with patched()); otherwise the
 * saved histories are what proves a change still replays jobs already in flight.
 *   npx tsx test/replay/record-histories.ts            (RECORD_ONLY=name,name: just those)
 */
import { execFile } from 'node:child_process';
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
const only = process.env.RECORD_ONLY?.split(',');

const allCases: Array<{ name: string; fields: Record<string, string>; credits?: number; cancel?: boolean }> = [
  { name: 'wan-completed', fields: { prompt: 'replay: wan' } },
  { name: 'veo-completed-after-polls', fields: { prompt: 'replay: veo [polls=3]', model: 'veo3.1' } },
  { name: 'wan-engine-failed', fields: { prompt: 'replay: [fail]' } },
  { name: 'wan-insufficient-credits', fields: { prompt: 'replay: poor' }, credits: 1 },
  { name: 'wan-cancelled', fields: { prompt: 'replay: [hold]' }, cancel: true },
  { name: 'wan-completed-webhook', fields: { prompt: 'replay: wan with webhook', webhook_url: hook } },
  { name: 'wan-failed-webhook', fields: { prompt: 'replay: [fail] with webhook', webhook_url: hook } },
];
const cases = allCases.filter((c) => !only || only.includes(c.name));

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
    const file = path.join(import.meta.dirname, 'histories', `${c.name}.json`);
    await writeFile(file, stdout);
    process.stderr.write(`recorded ${file}\n`);
  }
} finally {
  await pipeline.stop();
  await temporal.stop();
  await receiver.close();
}
