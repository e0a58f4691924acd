import { randomBytes } from 'node:crypto';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { Client, Connection } from '@temporalio/client';
import { bundleWorkflowCode, NativeConnection, Runtime as TemporalRuntime, Worker, type WorkerInterceptors, type WorkerOptions, type WorkflowBundleWithSourceMap } from '@temporalio/worker';
import { loadConfig, type Config } from '../../infra/config.js';
import { createAccount } from '../../infra/db/accounts.js';
import { createApiKey } from '../../infra/db/api-keys.js';
import { createLogger, type Logger } from '../../infra/log/logger.js';
import { findFreePort } from '../../infra/net/free-port.js';
import { LocalDiskStorage } from '../../infra/storage/local-storage.js';
import { MediaUrlSigner } from '../../infra/storage/url-signing.js';
import { startTemporalDevServer, type DevServer } from '../../infra/temporal/dev-server.js';
import { searchAttributes } from '../../workflows/messages.js';
import { startApiServer, type RunningApi } from '../../workers/api-server.js';
import { createControlWorker, workflowsPath } from '../../workers/control-worker.js';
import { renderStartedInterceptor } from '../../workers/render-started.js';
import type { Runtime } from '../../workers/runtime.js';
import type { DatabaseCase, TestDatabase } from './databases.js';
import { createTestEngines, type TestEngineControl } from './test-engines.js';

/** What the real engine workers add to their activities: heartbeats as often as workers/wan-worker.ts sends them, and render starts reported. */
export function engineWorkerOptions(client: Client): Pick<WorkerOptions, 'maxHeartbeatThrottleInterval' | 'defaultHeartbeatThrottleInterval' | 'interceptors'> {
  return {
    maxHeartbeatThrottleInterval: '1 second',
    defaultHeartbeatThrottleInterval: '1 second',
    interceptors: { activity: [renderStartedInterceptor(client)] },
  };
}

/** One Temporal dev server and one workflow bundle for a whole test file. */
export interface TemporalFixture {
  readonly server: DevServer;
  readonly bundle: WorkflowBundleWithSourceMap;
  stop(): Promise<void>;
}

let runtimeInstalled = false;

export async function startTemporalFixture(): Promise<TemporalFixture> {
  if (!runtimeInstalled) {
    // Workers log every poll failure during deliberate restarts; keep test output readable.
    TemporalRuntime.install({ logger: { log() {}, trace() {}, debug() {}, info() {}, warn() {}, error() {} } });
    runtimeInstalled = true;
  }
  const [server, bundle] = await Promise.all([
    startTemporalDevServer({ searchAttributes: Object.values(searchAttributes) }),
    bundleWorkflowCode({ workflowsPath, logger: { log() {}, trace() {}, debug() {}, info() {}, warn() {}, error() {} } }),
  ]);
  return { server, bundle, stop: () => server.stop() };
}

export interface Pipeline {
  readonly config: Config;
  readonly api: RunningApi;
  readonly database: TestDatabase;
  readonly storage: LocalDiskStorage;
  /** Signs media links as the API does: tests can sign any key, even one storage refuses. */
  readonly signer: MediaUrlSigner;
  readonly client: Client;
  readonly engines: TestEngineControl;
  /** For engine workers a test starts itself. */
  readonly workerConnection: NativeConnection;
  /** Every line the API logged (info and up), parsed; errors also go to stderr. */
  readonly apiLogLines: ReadonlyArray<Record<string, unknown>>;
  /** A new account with its first API key. */
  newAccount(credits: number): Promise<{ accountId: string; apiKey: string }>;
  /** A second API process's worth: another app on the same database and Temporal, as behind one load balancer; `log` to read its log lines. */
  startAnotherApi(log?: Logger): Promise<RunningApi>;
  /** Stops the control worker and starts a fresh one, as a redeploy would. */
  restartControlWorker(): Promise<void>;
  stopControlWorker(): Promise<void>;
  startControlWorker(): Promise<void>;
  stop(): Promise<void>;
}

/** The product's own API, control worker and storage, on a database of the given kind, with test engines. */
export async function startPipeline(
  temporal: TemporalFixture,
  databaseCase: DatabaseCase,
  env: Record<string, string> = {},
  /** `veoTestEngine: false` leaves the Veo queue to a real Veo worker the test starts itself. */
  /** `wanTestEngine: false` likewise leaves the Wan queue to a real Wan worker. */
  /** `interceptors`: on the control worker and the test engines' workers (e.g. activity metrics). */
  options: { readonly veoTestEngine?: boolean; readonly wanTestEngine?: boolean; readonly interceptors?: WorkerInterceptors } = {},
): Promise<Pipeline> {
  const id = randomBytes(4).toString('hex');
  const dataDir = await mkdtemp(path.join(tmpdir(), 'vivid-pipeline-'));
  const config = loadConfig({
    VIVID_DATA_DIR: dataDir,
    CONTROL_TASK_QUEUE: `control-${id}`,
    WAN_TASK_QUEUE: `wan-${id}`,
    VEO_TASK_QUEUE: `veo-${id}`,
    VEO_POLL_INTERVAL_SECONDS: '1',
    RATE_LIMIT_PER_MINUTE: '0',
    MAX_JOBS_IN_FLIGHT: '0',
    ...env,
  });
  const database = await databaseCase.open();
  const connection = await Connection.connect({ address: temporal.server.address });
  const client = new Client({ connection });
  const workerConnection = await NativeConnection.connect({ address: temporal.server.address });

  // Media links must name the port the API listens on, so it is chosen before anything signs.
  const port = await findFreePort();
  const publicUrl = `http://127.0.0.1:${port}`;
  const signer = new MediaUrlSigner({ secret: randomBytes(32).toString('hex'), publicUrl });
  const storage = new LocalDiskStorage({ root: path.join(dataDir, 'objects'), signer });
  const runtime: Runtime = {
    database: { db: database.db, embedded: databaseCase.name === 'pglite', close: () => database.close() },
    storage,
    mediaSigner: signer,
    client,
    workerConnection,
    close: async () => {},
  };
  const apiLogLines: Array<Record<string, unknown>> = [];
  const apiLog = createLogger({
    level: 'info',
    component: 'api',
    write: (line) => {
      const parsed = JSON.parse(line) as Record<string, unknown>;
      apiLogLines.push(parsed);
      if (parsed.level === 'error') process.stderr.write(line + '\n');
    },
  });
  const api = await startApiServer(config, runtime, apiLog, { host: '127.0.0.1', port, publicUrl });

  const { activities, control } = createTestEngines(storage);
  const engineWorkers = await Promise.all(
    [...(options.wanTestEngine === false ? [] : [config.queues.wan]), ...(options.veoTestEngine === false ? [] : [config.queues.veo])].map((taskQueue) => {
      // Heartbeats reach the server as often as the real Wan worker sends them (workers/wan-worker.ts).
      const engine = engineWorkerOptions(client);
      const interceptors = { ...options.interceptors, activity: [...(engine.interceptors?.activity ?? []), ...(options.interceptors?.activity ?? [])] };
      return Worker.create({ connection: workerConnection, taskQueue, activities, ...engine, interceptors });
    }),
  );
  const engineRuns = engineWorkers.map((w) => w.run());

  let controlWorker: Worker | undefined;
  let controlRun: Promise<void> | undefined;
  const startControlWorker = async (): Promise<void> => {
    controlWorker = await createControlWorker(config, runtime, temporal.bundle, options.interceptors);
    controlRun = controlWorker.run();
  };
  const stopControlWorker = async (): Promise<void> => {
    controlWorker?.shutdown();
    await controlRun;
    controlWorker = undefined;
  };
  await startControlWorker();
  const moreApis: RunningApi[] = [];

  return {
    config,
    api,
    database,
    storage,
    signer,
    client,
    engines: control,
    workerConnection,
    apiLogLines,
    async newAccount(credits) {
      const account = await createAccount(database.db, { email: `user-${randomBytes(5).toString('hex')}@example.com`, monthlyCredits: credits });
      const { key } = await createApiKey(database.db, account.id, 'test');
      return { accountId: account.id, apiKey: key };
    },
    async startAnotherApi(log = createLogger({ level: 'error', component: 'api' })) {
      const another = await startApiServer(config, runtime, log, { host: '127.0.0.1', port: await findFreePort(), publicUrl });
      moreApis.push(another);
      return another;
    },
    async restartControlWorker() {
      await stopControlWorker();
      await startControlWorker();
    },
    stopControlWorker,
    startControlWorker,
    async stop() {
      control.release();
      await stopControlWorker();
      for (const w of engineWorkers) w.shutdown();
      await Promise.all(engineRuns);
      await api.close();
      for (const another of moreApis) await another.close();
      await workerConnection.close();
      await connection.close();
      await database.close();
      await rm(dataDir, { recursive: true, force: true });
    },
  };
}
