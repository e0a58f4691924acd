import assert from 'node:assert/strict';
import { after, describe, test } from 'node:test';
import { ApiClient } from '../support/http.js';
import { cleanUpStacks, createAccountWithCli, interrupt, runToExit, stackEnv, startStack } from '../support/stack-process.js';

after(cleanUpStacks);

describe('WAN_MODEL=tiny npm start', () => {
  test('runs a local Wan worker on the tiny model: the banner says so and a wan2.1 job completes, labelled', async () => {
    const env: Record<string, string> = { ...(await stackEnv()), WAN_MODEL: 'tiny', WAN_DEVICES: 'cpu', WAN_MODEL_DIR: '' };
    const stack = await startStack(env, 120_000);
    const out = stack.output();
    assert.match(out, /wan2\.1 {2}served on '.+' by the tiny development model with random weights/);
    assert.match(out, /model loaded in \d+\.\d s/);
    assert.match(out, /Development model: its videos are random noise/);

    const api = new ApiClient(`http://127.0.0.1:${env.PORT}`, await createAccountWithCli(env, 'wan@example.com', 100));
    const submitted = await api.generate({ prompt: 'A tiny test', width: '32', height: '32', length: '5', steps: '2' });
    assert.equal(submitted.status, 202, JSON.stringify(submitted.body));
    const done = await api.waitForJob(String(submitted.body.job_id), undefined, 60_000);
    assert.equal(done.status, 'COMPLETED', JSON.stringify(done));
    assert.equal((done.notes as Record<string, unknown>).development_model, true);
    assert.equal((done.notes as Record<string, unknown>).notice, 'made by a development model with random weights');

    assert.equal(await interrupt(stack), 0);
  });

  test('the Wan worker alone says what it is missing', async () => {
    const env = await stackEnv();
    for (const [extra, message] of [
      [{ WAN_MODEL: '', WAN_MODEL_DIR: '' }, /No Wan model is configured: set WAN_MODEL=tiny/],
      [{ WAN_MODEL: 'tiny', WAN_MODEL_DIR: '' }, /needs TEMPORAL_ADDRESS/],
    ] as const) {
      const { code, stderr } = await runToExit('workers/wan-main.ts', { ...env, ...extra });
      assert.equal(code, 1);
      assert.match(stderr, message);
    }
  });
});
