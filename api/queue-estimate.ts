import type { Kysely } from 'kysely';
import { countProcessingJobs, recentRenderSeconds } from '../infra/db/jobs.js';
import type { Database, ModelId } from '../infra/db/types.js';
import type { JobQueue } from './job-queue.js';

export interface QueueEstimate {
  /** Jobs of any account ahead of this one on its pool's queue. */
  readonly queuePosition: number;
  /** Seconds until this job is done; absent when the pool has no live worker or no recent render time. */
  readonly etaSeconds?: number;
}

/**
 * Where a waiting job stands. Our records give the PROCESSING jobs of its engine in creation
 * order; the server's queue statistics say how many engine tasks no worker has started yet.
 * Workers take tasks oldest first, so the jobs running now are the oldest ones: the jobs ahead
 * of this one are those created before it less those running, and at most the backlog before it.
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

  return async function estimate(job: { id: string; model: ModelId; created_at: Date }): Promise<QueueEstimate> {
    const [counts, stats, renderSeconds] = await Promise.all([
      countProcessingJobs(deps.db, job.model, { createdAt: job.created_at, id: job.id }),
      deps.jobs.queueStats(deps.engineQueues[job.model]),
      meanRenderSeconds(job.model),
    ]);
    if (!stats) return { queuePosition: counts.before };
    const running = Math.max(0, counts.total - stats.backlog);
    const queuePosition = Math.max(0, Math.min(counts.before - running, stats.backlog - 1));
    if (stats.pollers === 0 || renderSeconds === null) return { queuePosition };
    // Each live worker (or each running job, where a worker renders several at once) frees a slot per render.
    const slots = Math.max(stats.pollers, running, 1);
    return { queuePosition, etaSeconds: Math.ceil(Math.ceil((queuePosition + 1) / slots) * renderSeconds) };
  };
}

export type QueueEstimator = ReturnType<typeof createQueueEstimator>;
