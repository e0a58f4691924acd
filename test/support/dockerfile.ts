/**
 * Just enough of a Dockerfile reader to run an image's entry command outside a container: each
 * stage's base, ENV (inherited through `FROM <stage>`), USER, ENTRYPOINT, CMD and HEALTHCHECK.
 */
import { readFile } from 'node:fs/promises';

export interface ImageStage {
  readonly name: string;
  /** The FROM reference: another stage's name or an external image. */
  readonly from: string;
  readonly env: Record<string, string>;
  readonly user: string | undefined;
  readonly entrypoint: string[] | undefined;
  readonly cmd: string[] | undefined;
  /** The HEALTHCHECK's CMD in exec form. */
  readonly healthcheck: string[] | undefined;
}

export async function readDockerfile(file: string): Promise<ImageStage[]> {
  const text = (await readFile(file, 'utf8')).replace(/\\\n/g, ' ');
  const stages: ImageStage[] = [];
  let current: { -readonly [K in keyof ImageStage]: ImageStage[K] } | undefined;
  for (const raw of text.split('\n')) {
    const line = raw.trim();
    if (!line || line.startsWith('#')) continue;
    const [, instruction = '', rest = ''] = /^(\w+)\s+(.*)$/.exec(line) ?? [];
    const op = instruction.toUpperCase();
    if (op === 'FROM') {
      const [, from = '', name] = /^(\S+)(?:\s+AS\s+(\S+))?$/i.exec(rest) ?? [];
      const parent = stages.find((s) => s.name === from);
      current = { name: name ?? `stage${stages.length}`, from, env: { ...parent?.env }, user: parent?.user, entrypoint: parent?.entrypoint, cmd: parent?.cmd, healthcheck: parent?.healthcheck };
      stages.push(current);
      continue;
    }
    if (!current) continue;
    if (op === 'ENV') for (const [, k = '', v = ''] of rest.matchAll(/(\w+)=("[^"]*"|\S+)/g)) current.env[k] = v.replace(/^"|"$/g, '');
    else if (op === 'USER') current.user = rest;
    else if (op === 'ENTRYPOINT') current.entrypoint = JSON.parse(rest) as string[];
    else if (op === 'CMD') current.cmd = JSON.parse(rest) as string[];
    else if (op === 'HEALTHCHECK') current.healthcheck = JSON.parse(rest.slice(rest.indexOf('CMD') + 3).trim()) as string[];
  }
  return stages;
}
