/**
 * Poster frames: the first frame of a video as a JPEG, made with the ffmpeg binary that pip's
 * `imageio-ffmpeg` wheel ships into the project's .venv (infra/python/requirements-tools.txt).
 */
import { execFile } from 'node:child_process';
import { mkdtemp, rm, writeFile, readFile } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';

const run = promisify(execFile);
const repoRoot = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../..');

let cachedFfmpeg: Promise<string> | undefined;

/** The path of the venv's ffmpeg (asked of imageio_ffmpeg once per process). */
export function findFfmpeg(venv = path.join(repoRoot, '.venv')): Promise<string> {
  cachedFfmpeg ??= run(path.join(venv, 'bin', 'python'), ['-c', 'import imageio_ffmpeg; print(imageio_ffmpeg.get_ffmpeg_exe())'])
    .then(({ stdout }) => stdout.trim())
    .catch((err: unknown) => {
      cachedFfmpeg = undefined;
      throw new Error(`ffmpeg is not installed in ${venv} (run \`npm run setup\`): ${err instanceof Error ? err.message : String(err)}`);
    });
  return cachedFfmpeg;
}

/**
 * The first frame of `video` (MP4 bytes) as a JPEG. The video goes through a temporary file
 * because an MP4's index may sit at its end, which a pipe cannot seek to.
 */
export async function extractPoster(video: Buffer, options: { ffmpeg?: string } = {}): Promise<Buffer> {
  const ffmpeg = options.ffmpeg ?? (await findFfmpeg());
  const dir = await mkdtemp(path.join(os.tmpdir(), 'vivid-poster-'));
  try {
    const input = path.join(dir, 'video.mp4');
    const output = path.join(dir, 'poster.jpg');
    await writeFile(input, video);
    await run(ffmpeg, ['-v', 'error', '-nostdin', '-y', '-i', input, '-frames:v', '1', '-q:v', '3', '-f', 'image2', '-c:v', 'mjpeg', output], { timeout: 60_000 });
    return await readFile(output);
  } finally {
    await rm(dir, { recursive: true, force: true });
  }
}

/** A tiny real H.264 MP4 (test pattern), for tests and health checks. */
export async function makeTestMp4(options: { ffmpeg?: string; width?: number; height?: number; seconds?: number } = {}): Promise<Buffer> {
  const ffmpeg = options.ffmpeg ?? (await findFfmpeg());
  const dir = await mkdtemp(path.join(os.tmpdir(), 'vivid-mp4-'));
  try {
    const output = path.join(dir, 'test.mp4');
    const size = `${options.width ?? 128}x${options.height ?? 72}`;
    await run(ffmpeg, ['-v', 'error', '-nostdin', '-y', '-f', 'lavfi', '-i', `testsrc=size=${size}:rate=24`, '-t', String(options.seconds ?? 1), '-c:v', 'libx264', '-pix_fmt', 'yuv420p', output], { timeout: 60_000 });
    return await readFile(output);
  } finally {
    await rm(dir, { recursive: true, force: true });
  }
}
