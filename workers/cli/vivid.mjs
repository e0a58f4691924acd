#!/usr/bin/env node
// The `vivid` bin. npx may start it with whatever node is on PATH (possibly older than the
// project's Node 24), so it only re-executes the TypeScript CLI under the project's own node
// with tsx, passing arguments, stdio, signals and exit status through.
import { spawn } from 'node:child_process';
import { existsSync } from 'node:fs';
import process from 'node:process';
import { URL, fileURLToPath } from 'node:url';

const project = fileURLToPath(new URL('../../', import.meta.url));
const main = fileURLToPath(new URL('./main.ts', import.meta.url));
const projectNode = fileURLToPath(new URL('../../node_modules/.bin/node', import.meta.url));
const tsxLoader = new URL('../../node_modules/tsx/dist/loader.mjs', import.meta.url);

const currentMajor = Number(process.versions.node.split('.')[0]);
const node = existsSync(projectNode) ? projectNode : currentMajor >= 24 ? process.execPath : undefined;
if (!node || !existsSync(fileURLToPath(tsxLoader))) {
  process.stderr.write(`vivid: dependencies are missing: run "npm install" in ${project}\n`);
  process.exit(1);
}

// tsx named by absolute URL: a bare "tsx" would be resolved from the caller's working directory.
const child = spawn(node, ['--import', tsxLoader.href, main, ...process.argv.slice(2)], { stdio: 'inherit' });

for (const signal of ['SIGINT', 'SIGTERM', 'SIGHUP']) {
  process.on(signal, () => child.kill(signal));
}
child.on('error', (err) => {
  process.stderr.write(`vivid: could not start ${node}: ${err.message}\n`);
  process.exit(1);
});
child.on('exit', (code, signal) => {
  if (signal) {
    process.removeAllListeners(signal);
    process.kill(process.pid, signal);
  } else {
    process.exit(code ?? 1);
  }
});
