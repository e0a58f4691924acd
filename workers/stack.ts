/**
 * `npm start`: the whole product in one command. With no configuration it runs on embedded
 * parts (a Temporal dev server, PGlite, local disk) under the data directory; each setting in
 * README's table swaps one of them for the real service.
 */
import fs from 'node:fs';
import path from 'node:path';
import type { Config } from '../infra/config.js';
import { createLogger } from '../infra/log/logger.js';
import { startTemporalDevServer, type DevServer } from '../infra/temporal/dev-server.js';
import { searchAttributes } from '../workflows/messages.js';
import { startApiServer } from './api-server.js';
import { createControlWorker } from './control-worker.js';
import { startOrphanedJobSweeper } from './orphaned-jobs.js';
import { openRuntime } from './runtime.js';
import { runService } from './service.js';
import { createVeoWorker } from './veo-worker.js';
import { startWanWorker, type WanWorker } from './wan-worker.js';

await runService('stack', async (config, _log, onStop, fail) => {
  fs.mkdirSync(config.dataDir, { recursive: true });

  let temporalAddress = config.temporal.address;
  let devServer: DevServer | undefined;
  if (!temporalAddress) {
    step('starting the Temporal dev server');
    devServer = await startTemporalDevServer({
      port: config.temporal.devPort,
      uiPort: config.temporal.uiPort,
      dbFile: path.join(config.dataDir, 'temporal', 'temporal.db'),
      namespace: config.temporal.namespace,
      searchAttributes: Object.values(searchAttributes),
      logFile: path.join(config.dataDir, 'logs', 'temporal.log'),
      ownProcessGroup: true,
    });
    onStop('the Temporal dev server', devServer.stop);
    temporalAddress = devServer.address;
  }

  step(config.databaseUrl ? 'connecting to Postgres and migrating' : 'opening the embedded Postgres (PGlite) and migrating');
  const runtime = await openRuntime(config, temporalAddress);
  onStop('the database and Temporal connections', () => runtime.close());

  step('starting the control worker');
  const worker = await createControlWorker(config, runtime);
  const workerDone = worker.run();
  onStop('the control worker', async () => {
    if (worker.getState() === 'RUNNING') worker.shutdown();
    await workerDone;
  });
  workerDone.catch(fail);
  const sweeper = startOrphanedJobSweeper({ db: runtime.database.db, client: runtime.client, log: createLogger({ level: config.logLevel, component: 'control' }), graceSeconds: config.orphanedJobGraceSeconds });
  onStop('the orphaned-job sweeper', () => sweeper.stop());

  // Veo runs in the stack when credentials are configured; otherwise veo3.1 jobs wait, queued.
  let veoServed = false;
  if (config.veo.enabled) {
    step(`starting the Veo worker (${config.veo.model} on Vertex AI)`);
    const veoWorker = await createVeoWorker(config, { storage: runtime.storage, workerConnection: runtime.workerConnection });
    const veoDone = veoWorker.run();
    onStop('the Veo worker', async () => {
      veoWorker.shutdown();
      await veoDone;
    });
    veoDone.catch(fail);
    veoServed = true;
  }

  // A local Wan worker unless WAN_MODEL=none (then wan2.1 jobs wait, queued): the tiny model when nothing else is configured.
  let wan: WanWorker | undefined;
  if (config.wan.model) {
    step(config.wan.model.kind === 'tiny' ? 'starting the Wan worker on the tiny development model' : 'starting the Wan worker (loading the model)');
    wan = await startWanWorker(config, { storage: runtime.storage, workerConnection: runtime.workerConnection }, { log: createLogger({ level: config.logLevel, component: 'wan' }) });
    onStop('the Wan worker (a render in progress is handed back)', () => wan!.shutdown());
    wan.running.catch(fail);
  }

  step('starting the API');
  const api = await startApiServer(config, runtime, createLogger({ level: config.logLevel, component: 'api' }));
  onStop('the API (open requests)', () => api.close());

  printBanner(config, api.url, devServer, veoServed, wan);
});

function step(what: string): void {
  process.stderr.write(`vivid: ${what}...\n`);
}
function printBanner(config: Config, apiUrl: string, devServer: DevServer | undefined, veoServed: boolean, wan: WanWorker | undefined): void {
  const lines = [
    '',
    // The public URL, since media links are signed for it: the web app and its videos share one origin.
    `Vivid Flow is running: open ${config.http.publicUrl}/ in your browser.`,
    `  Web app      ${config.http.publicUrl}/`,
    `  API          ${apiUrl}/api/v1  (media links: ${config.http.publicUrl})`,
    `  API docs     ${config.http.publicUrl}/docs  (OpenAPI: ${config.http.publicUrl}/api/v1/openapi.json)`,
    devServer?.uiUrl ? `  Temporal UI  ${devServer.uiUrl}` : `  Temporal     ${config.temporal.address} (namespace ${config.temporal.namespace})`,
    `  Database     ${config.databaseUrl ? redact(config.databaseUrl) : `embedded PGlite in ${path.join(config.dataDir, 'pglite')}`}`,
    `  Storage      ${config.storage.kind === 'gcs' ? `gs://${config.storage.bucket}` : config.storage.root}`,
    '',
    'Engines:',
    wan
      ? `  wan2.1  served on '${config.queues.wan}' by ${wan.model.description}, ${wan.runtimes.slots.length} runtime(s) on ${config.wan.devices.join(',')}, model loaded in ${wan.loadSeconds.map((s) => `${s.toFixed(1)} s`).join(', ')}.` +
        (wan.model.notes.development_model ? '\n          Development model: its videos are random noise, and each is labelled so in its job record and on /status.' : '')
      : `  wan2.1  not served: WAN_MODEL=none (unset it for the tiny development model, or set WAN_MODEL_DIR=/path or gs://...); wan2.1 jobs wait, queued on '${config.queues.wan}', until a Wan worker polls it.`,
    veoServed
      ? `  veo3.1  served: ${config.veo.model} on Vertex AI (${config.veo.auth?.kind === 'apiKey' ? 'express mode, VEO_API_KEY' : 'application default credentials'}) on '${config.queues.veo}'.`
      : `  veo3.1  not served: no Veo credentials (set VEO_API_KEY, or GOOGLE_CLOUD_PROJECT and GOOGLE_CLOUD_LOCATION); veo3.1 jobs wait, queued on '${config.queues.veo}', until a Veo worker polls it.`,
    '',
    'Get an API key (in another terminal):',
    '  npx vivid accounts create --email you@example.com --credits 1000',
    '',
    'Press Ctrl-C to stop.',
    '',
  ];
  process.stdout.write(lines.join('\n'));
}

function redact(url: string): string {
  return url.replace(/\/\/([^:@/]+):[^@/]+@/, '//$1:***@');
}

