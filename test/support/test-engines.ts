import { Context } from '@temporalio/activity';
import { ApplicationFailure } from '@temporalio/common';
import type { ObjectStorage } from '../../infra/storage/object-storage.js';
import type { EngineActivities, EngineOutput } from '../../workflows/messages.js';

/**
 * Test activities registered under the engines' real names on the engines' real queues, so
 * the workflow, the workers and Temporal run for real while a test decides what the engine
 * does. The prompt carries the test's instruction:
 *   `[fail]`      the engine fails with a non-retryable error
 *   `[flaky]`     the first attempt fails retryably, the retry succeeds
 *   `[hold]`      the render (or a Veo submission) waits, heartbeating, until the test calls release()
 *   `[polls=N]`   a Veo operation needs N polls before it is done
 */
export interface TestEngineControl {
  readonly submissions: Map<string, number>;
  readonly polls: Map<string, number>;
  readonly started: Set<string>;
  release(): void;
}

export function createTestEngines(storage: ObjectStorage): { activities: EngineActivities; control: TestEngineControl } {
  const submissions = new Map<string, number>();
  const polls = new Map<string, number>();
  const started = new Set<string>();
  const prompts = new Map<string, string>();
  let releaseHeld: () => void = () => {};
  let held = new Promise<void>((resolve) => (releaseHeld = resolve));

  const writeOutput = async (jobId: string, engine: string): Promise<EngineOutput> => {
    const videoKey = `jobs/${jobId}/video.mp4`;
    const posterKey = `jobs/${jobId}/poster.jpg`;
    await storage.put(videoKey, Buffer.from(`test video of ${jobId} by ${engine}`), { contentType: 'video/mp4' });
    await storage.put(posterKey, Buffer.from(`test poster of ${jobId}`), { contentType: 'image/jpeg' });
    return { videoKey, posterKey, notes: { engine: `test ${engine}` } };
  };

  const activities: EngineActivities = {
    async generateWanVideo(input) {
      const ctx = Context.current();
      started.add(input.jobId);
      if (input.params.prompt.includes('[fail]')) {
        throw ApplicationFailure.nonRetryable('The engine could not render this job.', 'InvalidInput');
      }
      if (input.params.prompt.includes('[flaky]') && ctx.info.attempt === 1) {
        throw ApplicationFailure.retryable('The runtime crashed; retrying.', 'RuntimeCrashed');
      }
      if (input.params.prompt.includes('[hold]')) {
        let step = 0;
        const beat = setInterval(() => ctx.heartbeat({ step: ++step, steps: input.params.steps }), 200);
        try {
          await Promise.race([held, ctx.cancelled]);
        } finally {
          clearInterval(beat);
        }
      }
      return writeOutput(input.jobId, 'wan');
    },
    async submitVeoOperation(input) {
      submissions.set(input.jobId, (submissions.get(input.jobId) ?? 0) + 1);
      prompts.set(input.jobId, input.params.prompt);
      started.add(input.jobId);
      // Veo's job stays at 'queued' in the workflow until its submission returns.
      if (input.params.prompt.includes('[hold]')) await Promise.race([held, Context.current().cancelled]);
      if (input.params.prompt.includes('[fail]')) {
        throw ApplicationFailure.nonRetryable('Veo rejected the request: the prompt is not allowed.', 'VeoRejected');
      }
      return { operationName: `projects/test/locations/us-central1/publishers/google/models/veo/operations/${input.jobId}` };
    },
    async pollVeoOperation(input) {
      const n = (polls.get(input.jobId) ?? 0) + 1;
      polls.set(input.jobId, n);
      const needed = Number(/\[polls=(\d+)\]/.exec(prompts.get(input.jobId) ?? '')?.[1] ?? 1);
      if (n < needed) return { done: false };
      return { done: true, output: await writeOutput(input.jobId, 'veo') };
    },
  };

  return {
    activities,
    control: {
      submissions,
      polls,
      started,
      release() {
        releaseHeld();
        held = new Promise<void>((resolve) => (releaseHeld = resolve));
      },
    },
  };
}
