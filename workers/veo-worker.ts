import { Worker, type NativeConnection, type WorkerInterceptors } from '@temporalio/worker';
import { createVeoActivities } from '../activities/veo.js';
import type { Config } from '../infra/config.js';
import { createVeoApi, createVeoClient, type VeoClientOptions } from '../infra/engines/veo/client.js';
import type { Logger } from '../infra/log/logger.js';
import { extractPoster, findFfmpeg } from '../infra/media/poster.js';
import { createStorage } from '../infra/storage/create-storage.js';
import type { ObjectStorage } from '../infra/storage/object-storage.js';
import { loadOrCreateSigningSecret, MediaUrlSigner } from '../infra/storage/url-signing.js';

/**
 * The Veo worker: serves `submitVeoOperation` and `pollVeoOperation` on the Veo queue. It holds
 * no job state: the workflow keeps the operation name, so any Veo worker can take any poll.
 * Throws (naming the variable) when Veo is not configured or its credentials cannot work here.
 */
export async function createVeoWorker(
  config: Pick<Config, 'queues' | 'temporal' | 'veo'>,
  deps: { readonly storage: ObjectStorage; readonly workerConnection: NativeConnection; readonly log?: Logger; readonly interceptors?: WorkerInterceptors },
  clientOptions: VeoClientOptions = {},
): Promise<Worker> {
  const api = createVeoApi(createVeoClient(config.veo, clientOptions));
  await findFfmpeg(); // fail at start, not in a job, when the venv lacks ffmpeg
  return Worker.create({
    connection: deps.workerConnection,
    namespace: config.temporal.namespace,
    taskQueue: config.queues.veo,
    activities: createVeoActivities({ api, storage: deps.storage, model: config.veo.model, extractPoster: (video) => extractPoster(video), log: deps.log }),
    ...(deps.interceptors ? { interceptors: deps.interceptors } : {}),
  });
}

/** Storage as the API sees it (local links are signed with the same secret). */
export async function openEngineStorage(config: Config): Promise<ObjectStorage> {
  const secret = await loadOrCreateSigningSecret(config.dataDir, config.urlSigningSecret);
  return createStorage(config.storage, new MediaUrlSigner({ secret, publicUrl: config.http.publicUrl }));
}
