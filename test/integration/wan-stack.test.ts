import assert from 'node:assert/strict';
import { after, describe, test } from 'node:test';
import { ApiClient } from '../support/http.js';
import { cleanUpStacks, createAccountWithCli, interrupt, runToExit, stackEnv, startStack } from '../support/stack-process.js';

after(cleanUpStacks);

/** What a clean start or Ctrl-C must never print: our warnings and errors, stack traces, Python's interrupt. */
const noise = /"level":"(warn|error)"|IllegalStateError|Traceback|KeyboardInterrupt|\n\s+at .+\(.+:\d+:\d+\)/;

describe('npm start with no Wan setting', () => {
  test('runs the tiny model; a render running at Ctrl-C is handed back and finishes after the restart; nothing warns', async () => {
    const env: Record<string, string> = { ...(await stackEnv()), WAN_MODEL: '', WAN_DEVICES: 'cpu', WAN_SHUTDOWN_GRACE_SECONDS: '1' };
    let stack = await startStack(env, 120_000);
    const out = stack.output();
    assert.match(out, /wan2\.1 {2}served on '.+' by the tiny development model with random weights/);
    assert.match(out, /model loaded in \d+\.\d s/);
    assert.match(out, /Development model: its videos are random noise/);

    const api = new ApiClient(`http://127.0.0.1:${env.PORT}`, await createAccountWithCli(env, 'wan@example.com', 1000));
    const submitted = await api.generate({ prompt: 'A tiny test', width: '32', height: '32', length: '5', steps: '2' });
    assert.equal(submitted.status, 202, JSON.stringify(submitted.body));
    const done = await api.waitForJob(String(submitted.body.job_id), undefined, 60_000);
    assert.equal(done.status, 'COMPLETED', JSON.stringify(done));
    assert.equal((done.notes as Record<string, unknown>).development_model, true);
    assert.equal((done.notes as Record<string, unknown>).notice, 'made by a development model with random weights');

    // Long enough on the tiny model to be caught mid-render.
    const long = await api.generate({ prompt: 'Still rendering at Ctrl-C', width: '320', height: '320', length: '81', steps: '100' });
    assert.equal(long.status, 202, JSON.stringify(long.body));
    const jobId = String(long.body.job_id);
    await api.waitForJob(jobId, (b) => b.stage === 'rendering' && Number(b.progress) > 0.1, 120_000);
    assert.equal(await interrupt(stack, 60_000), 0, stack.output());
    assert.doesNotMatch(stack.output(), noise);

    stack = await startStack(env, 120_000);
    const resumed = await api.waitForJob(jobId, undefined, 600_000);
    assert.equal(resumed.status, 'COMPLETED', JSON.stringify(resumed));
    assert.equal(await interrupt(stack, 60_000), 0, stack.output());
    assert.doesNotMatch(stack.output(), noise);
  });

  test('the Wan worker alone says what it is missing', async () => {
    const env = await stackEnv();
    for (const [extra, message] of [
      [{ WAN_MODEL: '', WAN_MODEL_DIR: '' }, /No Wan model is configured: set WAN_MODEL=tiny/],
      [{ WAN_MODEL: 'none', WAN_MODEL_DIR: '' }, /No Wan model is configured: set WAN_MODEL=tiny/],
      [{ WAN_MODEL: 'tiny', WAN_MODEL_DIR: '' }, /needs TEMPORAL_ADDRESS/],
    ] as const) {
      const { code, stderr } = await runToExit('workers/wan-main.ts', { ...env, ...extra });
      assert.equal(code, 1);
      assert.match(stderr, message);
    }
  });
});
