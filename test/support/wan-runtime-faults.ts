/**
 * A Wan runtime that runs out of GPU memory on cue, for tests on machines without a GPU: the
 * real `vivid_wan.server` and model, except that the pipeline raises torch's OutOfMemoryError (as
 * CUDA does) for a prompt containing `[oom]`. Everything from the engine's handling of that error
 * on — the runtime's error event, the worker, the activity, the workflow — is the real code.
 */
import { chmod, mkdtemp, writeFile } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { defaultPython, runtimeRoot } from '../../infra/engines/wan/runtime-process.js';

export const OUT_OF_MEMORY_CUE = '[oom]';
export const OUT_OF_MEMORY_MESSAGE = 'CUDA out of memory. Tried to allocate 20.00 GiB';

const server = `
import sys

sys.path.insert(0, ${JSON.stringify(runtimeRoot)})
import torch
from vivid_wan import engine, server


class OutOfMemoryOnCue:
    """The loaded pipeline, except that a prompt with the cue runs out of GPU memory."""

    def __init__(self, pipe):
        object.__setattr__(self, "_pipe", pipe)

    def __getattr__(self, name):
        return getattr(self._pipe, name)

    def __setattr__(self, name, value):
        setattr(self._pipe, name, value)

    def __call__(self, **kwargs):
        if ${JSON.stringify(OUT_OF_MEMORY_CUE)} in kwargs.get("prompt", ""):
            raise torch.OutOfMemoryError(${JSON.stringify(OUT_OF_MEMORY_MESSAGE)})
        return self._pipe(**kwargs)


load = engine.WanEngine.load


def load_with_cue(self, *args, **kwargs):
    seconds = load(self, *args, **kwargs)
    self.pipe = OutOfMemoryOnCue(self.pipe)
    return seconds


engine.WanEngine.load = load_with_cue
sys.exit(server.main(sys.argv[1:]))
`;

/**
 * A `python` for startWanWorker's options: `-m vivid_wan.server …` starts the runtime above;
 * anything else (building the tiny model) runs the project's Python as it is.
 */
export async function pythonWithOutOfMemoryCue(): Promise<string> {
  const dir = await mkdtemp(path.join(os.tmpdir(), 'vivid-wan-oom-'));
  const script = path.join(dir, 'server_with_oom_cue.py');
  await writeFile(script, server);
  const python = path.join(dir, 'python');
  await writeFile(
    python,
    `#!/bin/sh
if [ "$1" = "-m" ] && [ "$2" = "vivid_wan.server" ]; then
  shift 2
  exec ${JSON.stringify(defaultPython)} ${JSON.stringify(script)} "$@"
fi
exec ${JSON.stringify(defaultPython)} "$@"
`,
  );
  await chmod(python, 0o755);
  return python;
}
