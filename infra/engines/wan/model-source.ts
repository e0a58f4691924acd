/**
 * Where a Wan worker's weights come from, made into a local diffusers folder before any runtime
 * starts: the tiny development model (built offline, once), a local folder, or a gs:// prefix
 * copied once into the model cache (a marker file records a finished copy; an interrupted copy
 * resumes, skipping files already complete).
 */
import { execFile } from 'node:child_process';
import { mkdir, rename, stat, writeFile, access } from 'node:fs/promises';
import path from 'node:path';
import { promisify } from 'node:util';
import { Storage } from '@google-cloud/storage';
import type { WanConfig } from '../../config.js';
import type { Logger } from '../../log/logger.js';
import { defaultPython, runtimeRoot } from './runtime-process.js';
import { childProcessEnv } from '../../process/child-env.js';

const run = promisify(execFile);
const SYNCED_MARKER = '.vivid-synced.json';

/** The notes of every video the tiny development model makes: its job record and /status say so. */
export const tinyModelNotes = Object.freeze({ model: 'tiny-random', development_model: true, notice: 'made by a development model with random weights' });

export interface PreparedModel {
  readonly dir: string;
  /** Facts every video from these weights carries in its notes. */
  readonly notes: Readonly<Record<string, string | number | boolean>>;
  readonly description: string;
}

export async function prepareWanModel(
  wan: Pick<WanConfig, 'model' | 'modelCacheDir'>,
  options: { python?: string; log?: Logger; gcsApiEndpoint?: string | undefined; gcsProjectId?: string | undefined } = {},
): Promise<PreparedModel> {
  const source = wan.model;
  if (!source) throw new Error('No Wan model is configured: set WAN_MODEL=tiny (development) or WAN_MODEL_DIR=/path or gs://bucket/prefix.');
  switch (source.kind) {
    case 'tiny': {
      const dir = await buildTinyModel(path.join(wan.modelCacheDir, 'tiny-wan'), options.python);
      return {
        dir,
        notes: tinyModelNotes,
        description: `the tiny development model with random weights (${dir})`,
      };
    }
    case 'dir':
      return { dir: source.dir, notes: { model: 'wan2.1-i2v-14b', weights: path.basename(source.dir), development_model: false }, description: source.dir };
    case 'gcs': {
      const url = `gs://${source.bucket}/${source.prefix}`;
      const dir = path.join(wan.modelCacheDir, 'gcs', source.bucket, source.prefix);
      await syncFromGcs(source.bucket, source.prefix, dir, options);
      return { dir, notes: { model: 'wan2.1-i2v-14b', weights: url, development_model: false }, description: `${url} (cached in ${dir})` };
    }
  }
}

/** Builds the tiny random-weight pipeline into `dir` unless it is there already (deterministic, offline, a few seconds). */
export async function buildTinyModel(dir: string, python = defaultPython): Promise<string> {
  await mkdir(path.dirname(dir), { recursive: true });
  try {
    await run(python, ['-m', 'vivid_wan.tiny_model', dir], { cwd: runtimeRoot, env: childProcessEnv({ HF_HUB_OFFLINE: '1' }), timeout: 300_000 });
  } catch (err) {
    const stderr = (err as { stderr?: string }).stderr ?? '';
    throw new Error(`Building the tiny Wan model in ${dir} failed (is the Python env installed? run \`npm run setup\`): ${stderr.trim().split('\n').slice(-3).join(' ') || String(err)}`, {
      cause: err,
    });
  }
  return dir;
}

async function syncFromGcs(
  bucketName: string,
  prefix: string,
  dir: string,
  options: { log?: Logger; gcsApiEndpoint?: string | undefined; gcsProjectId?: string | undefined },
): Promise<void> {
  const marker = path.join(dir, SYNCED_MARKER);
  if (await exists(marker)) return;
  const storage = new Storage({ ...(options.gcsApiEndpoint ? { apiEndpoint: options.gcsApiEndpoint } : {}), ...(options.gcsProjectId ? { projectId: options.gcsProjectId } : {}) });
  const bucket = storage.bucket(bucketName);
  const [files] = await bucket.getFiles({ prefix: prefix ? `${prefix}/` : '' });
  if (files.length === 0) throw new Error(`gs://${bucketName}/${prefix} holds no files: WAN_MODEL_DIR must name a diffusers Wan I2V model folder.`);
  options.log?.info('syncing the Wan model from GCS', { from: `gs://${bucketName}/${prefix}`, to: dir, files: files.length });
  for (const file of files) {
    const relative = prefix ? file.name.slice(prefix.length + 1) : file.name;
    if (!relative || relative.endsWith('/')) continue;
    const target = path.join(dir, relative);
    if (!target.startsWith(dir + path.sep)) continue;
    const size = Number(file.metadata.size ?? -1);
    const have = await stat(target).catch(() => undefined);
    if (have && have.size === size) continue;
    await mkdir(path.dirname(target), { recursive: true });
    const partial = `${target}.partial`;
    await file.download({ destination: partial });
    await rename(partial, target);
  }
  await writeFile(marker, JSON.stringify({ from: `gs://${bucketName}/${prefix}`, files: files.length, at: new Date().toISOString() }));
}

async function exists(p: string): Promise<boolean> {
  return access(p).then(
    () => true,
    () => false,
  );
}
