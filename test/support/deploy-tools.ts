/** The deploy lint tools' own venv (`.venv-deploy`, made by `npm run setup`) and its scripts. */
import { execFile } from 'node:child_process';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';

export const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../..');
export const deployPython = path.join(root, '.venv-deploy/bin/python');
export const hadolint = path.join(root, '.venv-deploy/bin/hadolint');

const run = promisify(execFile);

/** Runs a script of infra/deploy with the deploy venv; its JSON report and exit code. */
export async function deployReport<T>(script: string, args: string[]): Promise<{ code: number; report: T }> {
  try {
    const { stdout } = await run(deployPython, [path.join(root, 'infra/deploy', script), ...args], { cwd: root, maxBuffer: 32 << 20 });
    return { code: 0, report: JSON.parse(stdout) as T };
  } catch (err) {
    const e = err as { code?: number; stdout?: string; stderr?: string };
    if (typeof e.code !== 'number' || !e.stdout) throw new Error(`${script} failed: ${e.stderr ?? String(err)}`, { cause: err });
    return { code: e.code, report: JSON.parse(e.stdout) as T };
  }
}

export interface CheckovReport {
  passed: number;
  failed: string[];
  skipped: string[];
  unexplained_skips: string[];
}
