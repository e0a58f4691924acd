import { existsSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import type { WorkflowBundleOption } from '@temporalio/worker';

/** Where `npm run build:workflows` writes the bundle by default (the images set VIVID_WORKFLOW_BUNDLE to it). */
export const defaultWorkflowBundlePath = fileURLToPath(new URL('../dist/workflow-bundle.js', import.meta.url));

/**
 * The prebuilt bundle named by VIVID_WORKFLOW_BUNDLE (no webpack at start-up, as in temporalio's
 * production sample). Explicit rather than "whatever is in dist/", so a stale local build is never
 * picked up by a developer's worker. Unset: undefined, and the worker bundles at start.
 */
export function prebuiltWorkflowBundle(codePath: string | undefined): WorkflowBundleOption | undefined {
  if (codePath === undefined) return undefined;
  if (!existsSync(codePath)) throw new Error(`VIVID_WORKFLOW_BUNDLE names ${codePath}, which does not exist: run \`npm run build:workflows\` or unset it.`);
  return { codePath };
}
