import assert from 'node:assert/strict';
import { readdir, readFile } from 'node:fs/promises';
import path from 'node:path';
import { test } from 'node:test';
import { historyFromJSON } from '@temporalio/common/lib/proto-utils.js';
import { Worker } from '@temporalio/worker';
import { workflowsPath } from '../../workers/control-worker.js';

const dir = path.join(import.meta.dirname, 'histories');

test('the current workflow code replays every saved job history', async () => {
  const files = (await readdir(dir)).filter((f) => f.endsWith('.json')).sort();
  assert.ok(files.length >= 5, `expected saved histories in ${dir}`);
  const histories = await Promise.all(
    files.map(async (file) => ({ workflowId: file, history: historyFromJSON(JSON.parse(await readFile(path.join(dir, file), 'utf8'))) })),
  );
  const failures: string[] = [];
  for await (const result of Worker.runReplayHistories({ workflowsPath, replayName: 'saved-histories' }, histories)) {
    if (result.error) failures.push(`${result.workflowId}: ${result.error.message}`);
  }
  assert.deepEqual(failures, []);
});
