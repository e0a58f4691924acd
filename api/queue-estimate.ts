import type { Kysely } from 'kysely';
import { countWaitingJobs, recentRenderSeconds } from '../infra/db/jobs.js';
import type { Database, ModelId } from '../infra/db/types.js';
import type { JobQueue } from './job-queue.js';

export interface QueueEstimate {
  /** Jobs of any account ahead of this one on its pool's queue. */
  readonly queuePosition: number;
  /** Seconds until this job is done; absent when the pool has no live worker or no recent render time. */
  readonly etaSeconds?: number;
}

/**
 * Where a waiting job stands, from our records: the PROCESSING jobs of its engine that no worker
 * has started (the engine worker signals each start; the workflow records it), created before it.
 * Temporal does not hand out a queue's tasks strictly oldest first, so this is the job's place by
 * age, not a promise of order. The ETA divides the waiting jobs among the pool's live workers (the
 * queue's pollers, or the jobs rendering now where a worker renders several at once).
 */
export function createQueueEstimator(deps: { db: Kysely<Database>; jobs: JobQueue; engineQueues: Readonly<Record<ModelId, string>>; renderSampleTtlMs?: number }) {
  const ttl = deps.renderSampleTtlMs ?? 10_000;
  const renderTimes = new Map<ModelId, { at: number; seconds: Promise<number | null> }>();
  const meanRenderSeconds = (model: ModelId): Promise<number | null> => {
    const hit = renderTimes.get(model);
    if (hit && Date.now() - hit.at < ttl) return hit.seconds;
    const seconds = recentRenderSeconds(deps.db, model).catch(() => null);
    renderTimes.set(model, { at: Date.now(), seconds });
    return seconds;
  };

  return async function estimate(job: { id: string; model: ModelId }): Promise<QueueEstimate> {
    const [counts, stats, renderSeconds] = await Promise.all([
      countWaitingJobs(deps.db, job.model, job.id),
      deps.jobs.queueStats(deps.engineQueues[job.model]),
      meanRenderSeconds(job.model),
    ]);
    const queuePosition = counts.ahead;
    if (!stats || stats.pollers === 0 || renderSeconds === null) return { queuePosition };
    const slots = Math.max(stats.pollers, counts.rendering, 1);
    return { queuePosition, etaSeconds: Math.ceil(Math.ceil((queuePosition + 1) / slots) * renderSeconds) };
  };
}

export type QueueEstimator = ReturnType<typeof createQueueEstimator>;
