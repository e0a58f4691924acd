/**
 * Builds the workflow bundle once (`npm run build:workflows [OUT]`, run at image build), after
 * temporalio's production sample (`scripts/build-workflow-bundle.ts`).
 */
import { mkdir, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { bundleWorkflowCode } from '@temporalio/worker';
import { workflowsPath } from './control-worker.js';
import { defaultWorkflowBundlePath } from './workflow-bundle.js';

const out = path.resolve(process.argv[2] ?? defaultWorkflowBundlePath);
const { code } = await bundleWorkflowCode({ workflowsPath });
await mkdir(path.dirname(out), { recursive: true });
await writeFile(out, code);
process.stderr.write(`vivid: workflow bundle written to ${out} (${(code.length / 1024).toFixed(0)} KiB)\n`);
