import { DefaultLogger, Runtime as TemporalRuntime } from '@temporalio/worker';
import { ConfigError, loadConfig, type Config } from '../infra/config.js';
import { createLogger, type Logger } from '../infra/log/logger.js';
import { temporalTelemetry } from './health.js';

export type StopFn = () => Promise<void>;
/** Registers one part's undoing, named for the progress lines a slow stop prints. */
export type OnStop = (what: string, stop: StopFn) => void;

/** How long a stop step may take before the operator is told which part is still being waited for. */
const stopProgressMs = 5_000;

/**
 * The life of one of our processes: read the configuration (a bad value stops start-up with a
 * message naming the variable), start, and on SIGINT/SIGTERM or a fatal error undo every
 * started part in reverse order.
 */
export async function runService(
  name: string,
  start: (config: Config, log: Logger, onStop: OnStop, fail: (err: unknown) => void) => Promise<void>,
): Promise<void> {
  let config: Config;
  try {
    config = loadConfig();
  } catch (err) {
    if (err instanceof ConfigError) {
      process.stderr.write(`vivid: ${err.message}\nSee the configuration table in README.md.\n`);
      process.exit(1);
    }
    throw err;
  }
  const log = createLogger({ level: config.logLevel, component: name });
  // Left to itself, Temporal's runtime shuts every worker down on SIGINT, racing our ordered stop
  // below (which then finds them stopped: "Not running"); here one handler owns the signals.
  // Its INFO lines (bundling, state changes) and the notice that an activity-only worker polls no
  // workflows are not worth a newcomer's attention; real warnings and errors still print.
  const sdkLog = new DefaultLogger('WARN');
  const telemetryOptions = temporalTelemetry(config);
  TemporalRuntime.install({
    ...(telemetryOptions ? { telemetryOptions } : {}),
    shutdownSignals: [],
    logger: new DefaultLogger('WARN', (entry) => {
      if (/^No (workflows|Nexus services) registered/.test(entry.message)) return;
      // A render handed back at shutdown is the planned path (another attempt runs it), not a fault.
      if (entry.message === 'Activity failed' && (entry.meta as { error?: { type?: unknown } } | undefined)?.error?.type === 'WorkerShutdown') return;
      sdkLog.log(entry.level, entry.message, entry.meta);
    }),
  });
  const stops: Array<{ what: string; stop: StopFn }> = [];
  let stopping = false;
  const stopAll = async (code: number): Promise<never> => {
    if (stopping) process.exit(code);
    stopping = true;
    process.stderr.write(`\nvivid: stopping ${name}...\n`);
    for (const { what, stop } of stops.reverse()) {
      const started = Date.now();
      // A part that waits (a render handed back, a poll, a client's open request) says so instead of a silent hang.
      const progress = setInterval(() => process.stderr.write(`vivid: still stopping ${what} (${Math.round((Date.now() - started) / 1000)} s)...\n`), stopProgressMs);
      await stop().catch((err: unknown) => log.warn('stop step failed', { what, err }));
      clearInterval(progress);
    }
    process.exit(code);
  };
  process.on('SIGINT', () => void stopAll(0));
  process.on('SIGTERM', () => void stopAll(0));
  const fail = (err: unknown): void => {
    log.error(`${name} failed`, { err });
    void stopAll(1);
  };
  try {
    await start(config, log, (what, stop) => stops.push({ what, stop }), fail);
  } catch (err) {
    process.stderr.write(`vivid: ${name} start-up failed: ${err instanceof Error ? err.message : String(err)}\n`);
    await stopAll(1);
  }
}

/** Separate API and worker processes join a Temporal cluster; only the stack runs its own server. */
export function requireTemporalAddress(config: Config, name: string): string {
  if (config.temporal.address) return config.temporal.address;
  throw new Error(`${name} needs TEMPORAL_ADDRESS (the Temporal frontend to join); \`npm start\` runs everything with a dev server of its own.`);
}
