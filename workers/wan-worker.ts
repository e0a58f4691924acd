import os from 'node:os';
import path from 'node:path';
import { Client } from '@temporalio/client';
import { Worker, type NativeConnection, type WorkerInterceptors } from '@temporalio/worker';
import { createWanActivities } from '../activities/wan.js';
import type { Config } from '../infra/config.js';
import { prepareWanModel, type PreparedModel } from '../infra/engines/wan/model-source.js';
import { WanRuntimePool } from '../infra/engines/wan/runtime-process.js';
import type { Logger } from '../infra/log/logger.js';
import type { ObjectStorage } from '../infra/storage/object-storage.js';
import { renderStartedInterceptor } from './render-started.js';

export interface WanWorker {
  readonly worker: Worker;
  readonly runtimes: WanRuntimePool;
  readonly model: PreparedModel;
  /** Seconds each runtime took to load the model, in device order. */
  readonly loadSeconds: readonly number[];
  /** Settles when the worker stops; rejects on a fatal worker error. */
  readonly running: Promise<void>;
  /** Stops polling, lets running renders finish within the grace time (then hands them back to Temporal), stops the runtimes. */
  shutdown(): Promise<void>;
}

export interface WanWorkerOptions {
  readonly python?: string;
  /** Tests only: seconds the runtime waits after each denoising step. */
  readonly stepDelaySeconds?: number;
  /** Tests only: how often the worker looks for someone watching a render's previews (default 3 s). */
  readonly previewInterestCheckMs?: number;
  /** Told each denoising step's duration (the worker's metrics). */
  readonly observeStep?: (seconds: number, size: { readonly width: number; readonly height: number }) => void;
  readonly log?: Logger;
}

/**
 * A Wan GPU worker: one resident runtime per configured device and as many concurrent renders
 * as runtimes, polling the pool's queue (WAN_TASK_QUEUE). Throws, naming the folder, when the
 * model cannot be loaded, before it polls anything.
 */
export async function startWanWorker(
  config: Pick<Config, 'queues' | 'temporal' | 'wan' | 'dataDir' | 'storage'>,
  deps: { readonly storage: ObjectStorage; readonly workerConnection: NativeConnection; readonly interceptors?: WorkerInterceptors },
  options: WanWorkerOptions = {},
): Promise<WanWorker> {
  const { log } = options;
  const gcs = config.storage.kind === 'gcs' ? config.storage : undefined;
  const model = await prepareWanModel(config.wan, { python: options.python, log, gcsApiEndpoint: gcs?.apiEndpoint, gcsProjectId: gcs?.projectId });
  const runtimes = await WanRuntimePool.start(config.wan.devices, {
    modelDir: model.dir,
    cpuOffload: config.wan.cpuOffload,
    speed: config.wan.speed,
    python: options.python,
    stepDelaySeconds: options.stepDelaySeconds,
    log,
  });
  const loadSeconds: number[] = [];
  for (const slot of runtimes.slots) loadSeconds.push((await slot.runtime()).loadSeconds);
  log?.info('wan model loaded', { model: model.description, devices: config.wan.devices, loadSeconds });

  let worker: Worker;
  try {
    worker = await Worker.create({
      connection: deps.workerConnection,
      namespace: config.temporal.namespace,
      taskQueue: config.queues.wan,
      activities: createWanActivities({
        storage: deps.storage,
        runtimes,
        model,
        workDir: path.join(os.tmpdir(), `vivid-wan-${process.pid}`),
        previewEverySteps: config.wan.previewEverySteps,
        previewInterestCheckMs: options.previewInterestCheckMs,
        observeStep: options.observeStep,
        log,
      }),
      // One render per GPU; this worker runs no workflows.
      maxConcurrentActivityTaskExecutions: runtimes.slots.length,
      // Each step's heartbeat reaches the server (and /status, and a cancel reaches the render) within a second.
      maxHeartbeatThrottleInterval: '1 second',
      defaultHeartbeatThrottleInterval: '1 second',
      shutdownGraceTime: `${config.wan.shutdownGraceSeconds} seconds`,
      interceptors: {
        ...deps.interceptors,
        activity: [renderStartedInterceptor(new Client({ connection: deps.workerConnection, namespace: config.temporal.namespace }), log), ...(deps.interceptors?.activity ?? [])],
      },
    });
  } catch (err) {
    await runtimes.close();
    throw err;
  }
  const running = worker.run();
  return {
    worker,
    runtimes,
    model,
    loadSeconds,
    running,
    async shutdown() {
      if (worker.getState() === 'RUNNING') worker.shutdown();
      await running.catch(() => {});
      await runtimes.close();
    },
  };
}
