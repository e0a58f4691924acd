import { createReadStream } from 'node:fs';
import { mkdir, mkdtemp, rm, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { Context } from '@temporalio/activity';
import { ApplicationFailure, CancelledFailure } from '@temporalio/common';
import { WanRenderError, type WanRuntimePool } from '../infra/engines/wan/runtime-process.js';
import type { Logger } from '../infra/log/logger.js';
import { PREVIEW_INTEREST_MS, previewInterestKey, previewKey } from '../infra/media/preview-keys.js';
import type { ObjectStorage } from '../infra/storage/object-storage.js';
import type { EngineOutput, RenderHeartbeat, WanRenderInput } from '../workflows/messages.js';

/** What a Wan worker tells every job about the weights that made its video. */
export interface WanModelInfo {
  readonly notes: Readonly<Record<string, string | number | boolean>>;
}

export interface WanActivityDeps {
  readonly storage: ObjectStorage;
  readonly runtimes: WanRuntimePool;
  readonly model: WanModelInfo;
  /** Where inputs and renders sit while a job runs; each attempt gets its own folder, removed after. */
  readonly workDir: string;
  /** A heartbeat repeats the last step at least this often, so a slow step or the VAE decode never looks dead. */
  readonly heartbeatEveryMs?: number;
  /** A live preview every this many steps while someone watches (WAN_PREVIEW_EVERY_STEPS); 0 or absent: none. */
  readonly previewEverySteps?: number;
  /** How often the worker looks whether anyone still polls the job's status. */
  readonly previewInterestCheckMs?: number;
  /** Told each denoising step's duration (the worker's metrics). */
  readonly observeStep?: (seconds: number, size: { readonly width: number; readonly height: number }) => void;
  readonly log?: Logger;
}

/** Whether the API saw someone poll this job lately (a missing or unreadable note: no). */
async function someoneWatches(storage: ObjectStorage, jobId: string): Promise<boolean> {
  try {
    const chunks: Buffer[] = [];
    for await (const chunk of await storage.get(previewInterestKey(jobId))) chunks.push(chunk as Buffer);
    const at = Date.parse(String((JSON.parse(Buffer.concat(chunks).toString('utf8')) as { at?: unknown }).at));
    return Date.now() - at < PREVIEW_INTEREST_MS;
  } catch {
    return false;
  }
}

const extensions: Record<string, string> = { 'image/png': 'png', 'image/jpeg': 'jpg', 'image/webp': 'webp' };

/** The Wan engine: renders on this worker's GPU and uploads the video and poster from the disk it rendered to. */
export function createWanActivities(deps: WanActivityDeps) {
  return {
    async generateWanVideo(input: WanRenderInput): Promise<EngineOutput> {
      const ctx = Context.current();
      const attemptId = `${input.jobId}-${ctx.info.attempt}`;
      await mkdir(deps.workDir, { recursive: true });
      const dir = await mkdtemp(path.join(deps.workDir, `${attemptId}-`));
      let last: RenderHeartbeat = { step: 0, steps: input.params.steps, attempt: ctx.info.attempt };
      ctx.heartbeat(last);
      const beat = setInterval(() => ctx.heartbeat(last), deps.heartbeatEveryMs ?? 5000);
      const slot = await deps.runtimes.acquire();
      try {
        const image = path.join(dir, `input.${extensions[input.image.contentType] ?? 'img'}`);
        const source = await deps.storage.get(input.image.key);
        await writeFile(image, source);
        const runtime = await slot.runtime();
        // Cancelled while waiting for a GPU or the image: nothing to stop yet.
        if (ctx.cancellationSignal.aborted) throw toFailure(ctx.cancellationSignal.reason, ctx);
        const onAbort = () => runtime.cancel(attemptId);
        ctx.cancellationSignal.addEventListener('abort', onAbort);
        // Previews cost nothing unless someone polls: the runtime makes them only while told to.
        const previewEvery = deps.previewEverySteps ?? 0;
        // Whoever watches already is told with the render itself: a preview command sent before the
        // render command names a render the runtime does not know yet, and is lost.
        let watched = previewEvery > 0 && (await someoneWatches(deps.storage, input.jobId));
        let uploading = false;
        const lookForWatchers = async () => {
          const now = await someoneWatches(deps.storage, input.jobId);
          if (now !== watched) runtime.watchPreviews(attemptId, (watched = now));
        };
        const watchers = previewEvery > 0 ? setInterval(() => void lookForWatchers(), deps.previewInterestCheckMs ?? 3000) : undefined;
        const onPreview = ({ step, path: file }: { step: number; path: string }) => {
          // A slow upload skips previews rather than queueing them: only the latest matters.
          if (uploading) return;
          uploading = true;
          deps.storage
            .put(previewKey(input.jobId), createReadStream(file), { contentType: 'image/jpeg' })
            .then(() => {
              last = { ...last, previewStep: step };
              ctx.heartbeat(last);
            })
            .catch((err: unknown) => deps.log?.warn('preview upload failed', { jobId: input.jobId, requestId: input.requestId, err }))
            .finally(() => (uploading = false));
        };
        let rendered;
        const renderStartedAt = Date.now();
        last = { ...last, renderStartedAt };
        try {
          const p = input.params;
          rendered = await runtime.render(
            {
              id: attemptId,
              params: { prompt: p.prompt, negative_prompt: p.negativePrompt, cfg: p.cfg, width: p.width, height: p.height, length: p.length, steps: p.steps, seed: p.seed },
              image,
              outDir: path.join(dir, 'out'),
              previewEvery,
              previewWanted: watched,
            },
            (step, steps) => {
              const stepAt = Date.now();
              // Several steps may arrive in one report; the first step's time includes the start of the render.
              const done = step - last.step;
              if (deps.observeStep && done > 0) deps.observeStep((stepAt - (last.stepAt ?? renderStartedAt)) / 1000 / done, input.params);
              last = { ...last, step, steps, renderStartedAt, stepAt, attempt: ctx.info.attempt };
              ctx.heartbeat(last);
            },
            onPreview,
          );
        } catch (err) {
          throw toFailure(err, ctx);
        } finally {
          clearInterval(watchers);
          ctx.cancellationSignal.removeEventListener('abort', onAbort);
        }

        const videoKey = `jobs/${input.jobId}/video.mp4`;
        const posterKey = `jobs/${input.jobId}/poster.jpg`;
        await deps.storage.put(videoKey, createReadStream(rendered.video), { contentType: 'video/mp4' });
        await deps.storage.put(posterKey, createReadStream(rendered.poster), { contentType: 'image/jpeg' });
        deps.log?.info('wan render finished', { jobId: input.jobId, requestId: input.requestId, attempt: ctx.info.attempt, device: slot.device, seconds: rendered.seconds });
        return {
          videoKey,
          posterKey,
          startedAt: new Date(renderStartedAt).toISOString(),
          notes: {
            ...deps.model.notes,
            engine: 'wan2.1',
            frames: rendered.frames,
            fps: 16,
            width: input.params.width,
            height: input.params.height,
            render_seconds: rendered.seconds,
          },
        };
      } finally {
        clearInterval(beat);
        deps.runtimes.release(slot);
        await rm(dir, { recursive: true, force: true });
      }
    },
  };
}

export type WanActivities = ReturnType<typeof createWanActivities>;

/** How a failed render reaches Temporal: OOM and bad input are final; a crash or shutdown retries elsewhere. */
function toFailure(err: unknown, ctx: Context): unknown {
  const details = ctx.cancellationDetails;
  if (details?.workerShutdown) {
    return ApplicationFailure.retryable('The Wan worker shut down during the render; another attempt will run it.', 'WorkerShutdown');
  }
  if (ctx.cancellationSignal.aborted) {
    return ctx.cancellationSignal.reason instanceof CancelledFailure ? ctx.cancellationSignal.reason : new CancelledFailure('The render was cancelled.');
  }
  if (!(err instanceof WanRenderError)) return err;
  switch (err.kind) {
    case 'OutOfMemory':
      return ApplicationFailure.nonRetryable(err.message, 'OutOfMemory');
    case 'InvalidInput':
      return ApplicationFailure.nonRetryable(err.message, 'InvalidInput');
    case 'RuntimeCrashed':
      return ApplicationFailure.retryable(err.message, 'RuntimeCrashed');
    default:
      return ApplicationFailure.retryable(err.message, err.kind);
  }
}
