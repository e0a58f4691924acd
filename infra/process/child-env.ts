/**
 * The environment a child process (the Python runtime, a model build) runs with: ours, as any
 * child would inherit it (PATH, CUDA_VISIBLE_DEVICES, proxies...), plus what it must be told.
 * Passing it on is not reading configuration: that happens in infra/config.ts alone.
 */
export function childProcessEnv(extra: Record<string, string>): NodeJS.ProcessEnv {
  return { ...process.env, ...extra };
}
