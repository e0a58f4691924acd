import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import { Client, Connection } from '@temporalio/client';
import { ApiClient } from '../support/http.js';
import { cleanUpStacks, createAccountWithCli, interrupt, runToExit, stackEnv, startStack } from '../support/stack-process.js';

describe('npm start with no configuration', () => {
  let env: Record<string, string>;

  before(async () => {
    env = await stackEnv();
  });
  after(cleanUpStacks);

  test('starts every part, serves the CLI through its database, keeps jobs across a restart and stops cleanly', async () => {
    let stack = await startStack(env);
    const banner = stack.output();
    assert.match(banner, new RegExp(`API +http://127\\.0\\.0\\.1:${env.PORT}/api/v1`));
    assert.match(banner, new RegExp(`Temporal UI +http://localhost:${env.TEMPORAL_UI_PORT}`));
    assert.match(banner, /npx vivid accounts create/);
    assert.match(banner, /wan2\.1 jobs wait, queued/);
    assert.match(banner, /veo3\.1 +not served: no Veo credentials .*veo3\.1 jobs wait, queued/);

    const ui = await fetch(`http://localhost:${env.TEMPORAL_UI_PORT}/`);
    assert.equal(ui.status, 200);
    // The API reference the banner names, with no key.
    // A page for a browser: on the web app's origin, like the app itself.
    const webApp = /Web app +(http\S+?)\/?\n/.exec(banner)![1]!;
    assert.ok(banner.includes(`API docs     ${webApp}/docs  (OpenAPI: ${webApp}/api/v1/openapi.json)`), banner);
    for (const path of ['/docs', '/api/v1/openapi.json']) assert.equal((await fetch(`${webApp}${path}`)).status, 200, path);

    // The CLI reaches PGlite through the running stack, never by opening its files again.
    const apiKey = await createAccountWithCli(env, 'stack@example.com', 100);
    const api = new ApiClient(`http://127.0.0.1:${env.PORT}`, apiKey);
    const submitted = await api.generate({ prompt: 'Queued until a GPU worker appears' });
    assert.equal(submitted.status, 202, JSON.stringify(submitted.body));
    const jobId = String(submitted.body.job_id);
    const queued = await api.waitForJob(jobId, (b) => b.stage === 'queued');
    assert.equal(queued.status, 'PROCESSING');

    const connection = await Connection.connect({ address: `127.0.0.1:${env.TEMPORAL_DEV_PORT}` });
    try {
      const client = new Client({ connection });
      // Visibility is eventually consistent: allow it a moment.
      let found: string[] = [];
      for (let i = 0; i < 50 && found.length === 0; i++) {
        found = [];
        for await (const wf of client.workflow.list({ query: `VividModel = 'wan2.1' AND VividStatus = 'PROCESSING'` })) found.push(wf.workflowId);
        if (found.length === 0) await new Promise((r) => setTimeout(r, 200));
      }
      assert.deepEqual(found, [jobId]);
    } finally {
      await connection.close();
    }

    assert.equal(await interrupt(stack), 0, stack.output());

    stack = await startStack(env);
    const again = await api.status(jobId);
    assert.equal(again.status, 200);
    assert.equal(again.body.status, 'PROCESSING');
    assert.equal((await api.history()).body.length, 1);
    assert.equal((await api.usage()).body.credits_remaining, 100 - 6);
    assert.equal(await interrupt(stack), 0, stack.output());
  });

  test('the API and the control worker alone need a Temporal cluster to join', async () => {
    for (const script of ['workers/api-main.ts', 'workers/control-main.ts']) {
      const { code, stderr: err } = await runToExit(script, env);
      assert.equal(code, 1, script);
      assert.match(err, /needs TEMPORAL_ADDRESS/, script);
    }
  });

  test('a bad setting stops start-up with a message naming the variable', async () => {
    const { code, stderr: err } = await runToExit('workers/stack.ts', { ...env, PORT: 'http' });
    assert.equal(code, 1);
    assert.match(err, /PORT/);
  });
});
