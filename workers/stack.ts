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
import { openRuntime } from './runtime.js';
import { runService } from './service.js';

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
    });
    onStop(devServer.stop);
    temporalAddress = devServer.address;
  }

  step(config.databaseUrl ? 'connecting to Postgres and migrating' : 'opening the embedded Postgres (PGlite) and migrating');
  const runtime = await openRuntime(config, temporalAddress);
  onStop(() => runtime.close());

  step('starting the control worker');
  const worker = await createControlWorker(config, runtime);
  const workerDone = worker.run();
  onStop(async () => {
    worker.shutdown();
    await workerDone;
  });
  workerDone.catch(fail);

  step('starting the API');
  const api = await startApiServer(config, runtime, createLogger({ level: config.logLevel, component: 'api' }));
  onStop(() => api.close());

  printBanner(config, api.url, devServer);
});

function step(what: string): void {
  process.stderr.write(`vivid: ${what}...\n`);
}
function printBanner(config: Config, apiUrl: string, devServer: DevServer | undefined): void {
  const lines = [
    '',
    'Vivid Flow is running.',
    `  API          ${apiUrl}/api/v1  (media links: ${config.http.publicUrl})`,
    devServer?.uiUrl ? `  Temporal UI  ${devServer.uiUrl}` : `  Temporal     ${config.temporal.address} (namespace ${config.temporal.namespace})`,
    `  Database     ${config.databaseUrl ? redact(config.databaseUrl) : `embedded PGlite in ${path.join(config.dataDir, 'pglite')}`}`,
    `  Storage      ${config.storage.kind === 'gcs' ? `gs://${config.storage.bucket}` : config.storage.root}`,
    '',
    'Engines:',
    `  wan2.1  no GPU worker runs in this stack: wan2.1 jobs wait, queued on '${config.queues.wan}', until a Wan worker polls it.`,
    `  veo3.1  no Veo worker runs in this stack: veo3.1 jobs wait, queued on '${config.queues.veo}', until a Veo worker polls it.`,
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

