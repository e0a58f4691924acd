/**
 * The Veo engine's activities, over injected adapters (the Vertex client, storage, ffmpeg).
 *
 * Google is asked at most once per job: the workflow calls `submitVeoOperation` once and keeps
 * the operation name in its state; should the activity itself be retried (its worker died after
 * Google accepted, before Temporal recorded the result), the operation name it wrote to storage
 * under `jobs/<job id>/veo-operation.json` right after Google answered is reused instead of a
 * second submission. Vertex's predictLongRunning takes no request id to deduplicate by, so the
 * moment between sending the request and recording Google's answer is marked in storage too
 * (`veo-submitting.json`): a retry that finds the mark without an answer cannot know whether
 * Google started a video, and fails the job (refunded) rather than risk paying for two.
 */
import { ApplicationFailure } from '@temporalio/common';
import { buildVeoRequest } from '../infra/engines/veo/request.js';
import { classifyVeoError, submissionNeverStarted, type VeoApi } from '../infra/engines/veo/client.js';
import { isSafetyRefusal } from '../infra/engines/veo/safety-refusal.js';
import type { Logger } from '../infra/log/logger.js';
import type { ObjectStorage } from '../infra/storage/object-storage.js';
import type { EngineActivities, EngineOutput, VeoOperationRef, VeoPollResult, VeoSubmitInput } from '../workflows/messages.js';

export interface VeoActivityDeps {
  readonly api: VeoApi;
  readonly storage: ObjectStorage;
  /** The configured model id (VEO_MODEL). */
  readonly model: string;
  /** First frame of a video as a JPEG. */
  readonly extractPoster: (video: Buffer) => Promise<Buffer>;
  readonly log?: Logger;
}

/** What the submit step keeps beside the job's media, so a retried submit never bills twice. */
interface SubmissionRecord {
  readonly operationName: string;
  readonly model: string;
  readonly notes: Record<string, string | number | boolean>;
}

export const VEO_NO_RESULTS = 'Video generation returned no results.';
export const VEO_SUBMISSION_UNKNOWN =
  'The Veo worker stopped while Google was receiving this job, so whether Google started the video is unknown; it was not asked again, so that no video is paid for twice. Nothing was charged: submit the job again.';

export const veoKeys = {
  submission: (jobId: string) => `jobs/${jobId}/veo-operation.json`,
  /** Present from just before the request is sent until Google's answer (or refusal) is known. */
  submitting: (jobId: string) => `jobs/${jobId}/veo-submitting.json`,
  /** Prefix Google writes into when storage is GCS (`outputGcsUri`). */
  outputPrefix: (jobId: string) => `jobs/${jobId}/veo/`,
  video: (jobId: string) => `jobs/${jobId}/video.mp4`,
  poster: (jobId: string) => `jobs/${jobId}/poster.jpg`,
};

export function createVeoActivities(deps: VeoActivityDeps): Pick<EngineActivities, 'submitVeoOperation' | 'pollVeoOperation'> {
  const { api, storage, model, log } = deps;

  const readSubmission = async (jobId: string): Promise<SubmissionRecord | null> => {
    if (!(await storage.stat(veoKeys.submission(jobId)))) return null;
    return JSON.parse((await readAll(storage, veoKeys.submission(jobId))).toString('utf8')) as SubmissionRecord;
  };

  return {
    async submitVeoOperation(input: VeoSubmitInput): Promise<{ operationName: string }> {
      const previous = await readSubmission(input.jobId);
      if (previous) {
        log?.info('veo operation already submitted; reusing it', { jobId: input.jobId, requestId: input.requestId, operationName: previous.operationName });
        return { operationName: previous.operationName };
      }
      const imageBytes = await readAll(storage, input.image.key);
      const outputPrefix = storage.gcsUri(veoKeys.outputPrefix(input.jobId));
      const request = buildVeoRequest({
        model,
        params: input.params,
        image: { bytes: imageBytes, mimeType: input.image.contentType, width: input.image.width, height: input.image.height },
        outputGcsUri: outputPrefix,
      });

      const submittingKey = veoKeys.submitting(input.jobId);
      if (await storage.stat(submittingKey)) {
        log?.warn('an earlier attempt stopped while asking Google; not asking again', { jobId: input.jobId });
        throw ApplicationFailure.nonRetryable(VEO_SUBMISSION_UNKNOWN, 'VeoSubmissionUnknown');
      }
      await storage.put(submittingKey, Buffer.from(JSON.stringify({ since: new Date().toISOString() })), { contentType: 'application/json' });
      let operationName: string;
      try {
        operationName = await api.submit(request.params);
      } catch (err) {
        // Google answered with an error, or the request never left: nothing was started, and the
        // retry may ask again. A request cut off mid-way keeps its mark.
        if (submissionNeverStarted(err)) await storage.delete(submittingKey);
        throw toFailure(err, 'Veo rejected the request');
      }
      const record: SubmissionRecord = { operationName, model, notes: request.notes };
      await withRetries(() => storage.put(veoKeys.submission(input.jobId), Buffer.from(JSON.stringify(record)), { contentType: 'application/json' }));
      await storage.delete(submittingKey).catch(() => {});
      log?.info('veo operation submitted', { jobId: input.jobId, requestId: input.requestId, operationName });
      return { operationName };
    },

    async pollVeoOperation(input: VeoOperationRef): Promise<VeoPollResult> {
      let state;
      try {
        state = await api.poll(input.operationName);
      } catch (err) {
        throw toFailure(err, 'Veo could not report on the operation');
      }
      if (!state.done) return { done: false };
      if (state.error) {
        throw ApplicationFailure.nonRetryable(`Veo could not make the video: ${state.error.message}`, isSafetyRefusal(state.error.message) ? 'VeoFiltered' : 'VeoRejected');
      }
      const video = state.videos[0];
      if (!video) {
        // The contract's message, then Google's reasons (or at least how many videos its filters removed).
        const detail = state.filteredReasons.length
          ? state.filteredReasons.join(' ')
          : state.filteredCount
            ? `Google's safety filters removed ${state.filteredCount} video(s).`
            : '';
        throw ApplicationFailure.nonRetryable(detail ? `${VEO_NO_RESULTS} ${detail}` : VEO_NO_RESULTS, 'VeoFiltered');
      }

      let videoKey: string;
      let bytes: Buffer;
      if (video.gcsUri) {
        // Google wrote the video straight into our bucket: only the poster needs its bytes.
        videoKey = keyOfGcsUri(storage, video.gcsUri);
        bytes = await readAll(storage, videoKey);
      } else if (video.bytes) {
        videoKey = veoKeys.video(input.jobId);
        bytes = video.bytes;
        await storage.put(videoKey, bytes, { contentType: video.mimeType ?? 'video/mp4' });
      } else {
        throw ApplicationFailure.nonRetryable(VEO_NO_RESULTS, 'VeoFiltered');
      }

      const submission = await readSubmission(input.jobId).catch(() => null);
      const notes: Record<string, string | number | boolean> = { ...(submission?.notes ?? { engine: 'veo', model }), operation: input.operationName };
      let posterKey: string | null = null;
      try {
        const poster = await deps.extractPoster(bytes);
        await storage.put(veoKeys.poster(input.jobId), poster, { contentType: 'image/jpeg' });
        posterKey = veoKeys.poster(input.jobId);
      } catch (err) {
        // A missing poster must not throw away a paid-for video; the record says why there is none.
        notes.poster = `unavailable: ${err instanceof Error ? err.message : String(err)}`.slice(0, 300);
        log?.warn('poster extraction failed', { jobId: input.jobId, requestId: input.requestId, err });
      }
      const output: EngineOutput = { videoKey, posterKey, notes };
      return { done: true, output };
    },
  };
}

/**
 * 429, 5xx and network errors retry (the workflow's backoff); other 4xx fail the job with Google's
 * message: a safety refusal as filtered, a 400 as the request's fault, the rest (credentials,
 * a model not found) as Veo's.
 */
function toFailure(err: unknown, what: string): ApplicationFailure {
  const c = classifyVeoError(err);
  const message = `${what}: ${c.message}`;
  if (c.retryable) return ApplicationFailure.retryable(message, c.status === 429 ? 'VeoRateLimited' : 'VeoUnavailable');
  const type = isSafetyRefusal(c.message) ? 'VeoFiltered' : c.status === 400 ? 'InvalidInput' : 'VeoRejected';
  return ApplicationFailure.nonRetryable(message, type);
}

function keyOfGcsUri(storage: ObjectStorage, uri: string): string {
  const bucketRoot = storage.gcsUri('');
  if (!bucketRoot || !uri.startsWith(bucketRoot)) {
    throw ApplicationFailure.nonRetryable(`Veo wrote the video to ${uri}, outside this service's bucket.`, 'VeoRejected');
  }
  return uri.slice(bucketRoot.length);
}

async function readAll(storage: ObjectStorage, key: string): Promise<Buffer> {
  const chunks: Buffer[] = [];
  for await (const chunk of await storage.get(key)) chunks.push(Buffer.isBuffer(chunk) ? chunk : Buffer.from(chunk as Uint8Array));
  return Buffer.concat(chunks);
}

async function withRetries<T>(fn: () => Promise<T>, attempts = 5): Promise<T> {
  for (let i = 1; ; i++) {
    try {
      return await fn();
    } catch (err) {
      if (i >= attempts) throw err;
      await new Promise((resolve) => setTimeout(resolve, 200 * 2 ** i));
    }
  }
}
