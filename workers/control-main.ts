/** The control worker alone: job workflows and their bookkeeping (`npm run worker:control`). */
import { createControlWorker } from './control-worker.js';
import { startOrphanedJobSweeper } from './orphaned-jobs.js';
import { openRuntime } from './runtime.js';
import { requireTemporalAddress, runService } from './service.js';

await runService('control worker', async (config, log, onStop, fail) => {
  const runtime = await openRuntime(config, requireTemporalAddress(config, 'The control worker'));
  onStop(() => runtime.close());
  const worker = await createControlWorker(config, runtime);
  const running = worker.run();
  onStop(async () => {
    worker.shutdown();
    await running;
  });
  running.catch(fail);
  const sweeper = startOrphanedJobSweeper({ db: runtime.database.db, client: runtime.client, log, graceSeconds: config.orphanedJobGraceSeconds });
  onStop(() => sweeper.stop());
  log.info('control worker polling', { taskQueue: config.queues.control });
});
