/**
 * `npm run bench:storage`: memory while storing and serving one large video. A video of
 * BENCH_VIDEO_MIB (500) is streamed into local storage, then served through the API's signed
 * media route whole and in Range requests of 8 MiB, while this process's RSS is sampled. The
 * baseline is the same run with a video a tenth the size: memory that follows the size would
 * show as a ratio near 10; bounded memory keeps it near 1. Never passes or fails.
 */
import { performance } from 'node:perf_hooks';
import { Readable } from 'node:stream';
import { databaseCases } from '../test/support/databases.js';
import { startPipeline, startTemporalFixture, type Pipeline } from '../test/support/pipeline.js';

const bigMiB = Number(process.env.BENCH_VIDEO_MIB ?? 500);
const MiB = 1024 * 1024;
const CHUNK = 8 * MiB;

/** A stream of `bytes` bytes made as it is read, so the source itself holds no video in memory. */
function videoStream(bytes: number): Readable {
  const block = Buffer.alloc(MiB, 0x5a);
  let left = bytes;
  return new Readable({
    read() {
      if (left <= 0) return void this.push(null);
      const n = Math.min(left, block.length);
      left -= n;
      this.push(n === block.length ? block : block.subarray(0, n));
    },
  });
}

/** Runs `work` while sampling RSS every 10 ms; returns the peak rise over the RSS just before. */
async function peakRise(work: () => Promise<void>): Promise<{ riseMiB: number; seconds: number }> {
  globalThis.gc?.();
  const before = process.memoryUsage.rss();
  let peak = before;
  const timer = setInterval(() => (peak = Math.max(peak, process.memoryUsage.rss())), 10);
  const t0 = performance.now();
  try {
    await work();
  } finally {
    clearInterval(timer);
  }
  peak = Math.max(peak, process.memoryUsage.rss());
  return { riseMiB: (peak - before) / MiB, seconds: (performance.now() - t0) / 1000 };
}

async function drain(res: Response): Promise<number> {
  let n = 0;
  for await (const chunk of res.body as unknown as AsyncIterable<Uint8Array>) n += chunk.length;
  return n;
}

async function measure(pipeline: Pipeline, mib: number): Promise<{ store: number; whole: number; ranges: number; storeS: number; serveS: number }> {
  const key = `jobs/bench-${mib}/video.mp4`;
  const bytes = mib * MiB;
  const store = await peakRise(async () => {
    await pipeline.storage.put(key, videoStream(bytes), { contentType: 'video/mp4' });
  });
  const url = await pipeline.storage.signedUrl(key, 600);
  const whole = await peakRise(async () => {
    const got = await drain(await fetch(url));
    if (got !== bytes) throw new Error(`served ${got} of ${bytes} bytes`);
  });
  const ranges = await peakRise(async () => {
    for (let start = 0; start < bytes; start += CHUNK) {
      const end = Math.min(bytes, start + CHUNK) - 1;
      const res = await fetch(url, { headers: { Range: `bytes=${start}-${end}` } });
      if (res.status !== 206) throw new Error(`a range answered ${res.status}`);
      await drain(res);
    }
  });
  await pipeline.storage.delete(key);
  return { store: store.riseMiB, whole: whole.riseMiB, ranges: ranges.riseMiB, storeS: store.seconds, serveS: whole.seconds };
}

const temporal = await startTemporalFixture();
const pipeline = await startPipeline(temporal, databaseCases().find((c) => c.name === 'pglite')!);
try {
  // Warm the paths once so the first measurement does not carry JIT and pool start-up.
  await measure(pipeline, 8);
  const small = await measure(pipeline, bigMiB / 10);
  const big = await measure(pipeline, bigMiB);
  const line = (what: string, s: number, b: number) =>
    `  ${what.padEnd(34)} ${(bigMiB / 10).toFixed(0)} MiB: +${s.toFixed(0).padStart(3)} MiB   ${bigMiB} MiB: +${b.toFixed(0).padStart(3)} MiB   ratio ${(b / Math.max(s, 1)).toFixed(2)} (size ratio 10)`;
  console.log(`storage (local disk) and the media route, RSS rise of one process serving and storing:`);
  console.log(line('store (streamed put)', small.store, big.store));
  console.log(line('serve whole (GET)', small.whole, big.whole));
  console.log(line('serve 8 MiB Range requests', small.ranges, big.ranges));
  console.log(`  ${bigMiB} MiB stored in ${big.storeS.toFixed(1)} s, served whole in ${big.serveS.toFixed(1)} s`);
} finally {
  await pipeline.stop();
  await temporal.stop();
}
