import assert from 'node:assert/strict';
import { mkdtemp, readdir, rm, stat } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { after, before, test } from 'node:test';
import { Storage } from '@google-cloud/storage';
import { buildTinyModel, prepareWanModel } from '../../infra/engines/wan/model-source.js';
import { WanRuntimeProcess } from '../../infra/engines/wan/runtime-process.js';
import { startGcsEmulator, type GcsEmulator } from '../support/gcs-emulator.js';

const bucket = 'vivid-weights';
let emulator: GcsEmulator;
let cacheDir: string;

before(async () => {
  emulator = await startGcsEmulator({ bucket });
  cacheDir = await mkdtemp(path.join(os.tmpdir(), 'vivid-model-cache-'));
});
after(async () => {
  await emulator.stop();
  await rm(cacheDir, { recursive: true, force: true });
});

async function filesUnder(dir: string): Promise<string[]> {
  const entries = await readdir(dir, { recursive: true, withFileTypes: true });
  return entries.filter((e) => e.isFile()).map((e) => path.relative(dir, path.join(e.parentPath, e.name))).sort();
}

test('WAN_MODEL_DIR=gs://… is copied once into the model cache, and the runtime loads the copy', async () => {
  const local = await buildTinyModel(path.join(os.tmpdir(), 'vivid-test-models', 'tiny-wan'));
  const storage = new Storage({ apiEndpoint: emulator.endpoint, projectId: 'vivid-test' });
  const files = await filesUnder(local);
  for (const f of files) await storage.bucket(bucket).upload(path.join(local, f), { destination: `models/tiny/${f}` });

  const source = { kind: 'gcs' as const, bucket, prefix: 'models/tiny' };
  const prepared = await prepareWanModel({ model: source, modelCacheDir: cacheDir }, { gcsApiEndpoint: emulator.endpoint, gcsProjectId: 'vivid-test' });
  assert.equal(prepared.dir, path.join(cacheDir, 'gcs', bucket, 'models/tiny'));
  assert.equal(prepared.notes.weights, `gs://${bucket}/models/tiny`);
  assert.deepEqual((await filesUnder(prepared.dir)).filter((f) => !f.startsWith('.vivid-synced')), files);
  const copied = await stat(path.join(prepared.dir, 'transformer', 'diffusion_pytorch_model.safetensors'));
  assert.equal(copied.size, (await stat(path.join(local, 'transformer', 'diffusion_pytorch_model.safetensors'))).size);

  // Synced once: with the bucket unreachable, the cached copy is used as it is.
  const again = await prepareWanModel({ model: source, modelCacheDir: cacheDir }, { gcsApiEndpoint: 'http://127.0.0.1:9', gcsProjectId: 'vivid-test' });
  assert.equal(again.dir, prepared.dir);

  const runtime = await WanRuntimeProcess.start({ modelDir: prepared.dir, device: 'cpu', cpuOffload: false });
  try {
    assert.ok(runtime.loadSeconds > 0);
  } finally {
    await runtime.close();
  }
});

test('an empty gs:// prefix is a clear start-up error', async () => {
  await assert.rejects(
    prepareWanModel({ model: { kind: 'gcs', bucket, prefix: 'nothing/here' }, modelCacheDir: cacheDir }, { gcsApiEndpoint: emulator.endpoint, gcsProjectId: 'vivid-test' }),
    /gs:\/\/vivid-weights\/nothing\/here holds no files/,
  );
});
