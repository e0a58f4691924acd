/**
 * Where the machine's CPU went during a measurement, per process group, from /proc: on a small
 * machine the API, Temporal, Postgres and the load generator all compete for the same cores.
 */
import fs from 'node:fs';

const CLOCK_TICKS_PER_SECOND = 100; // USER_HZ on Linux

interface ProcInfo {
  readonly pid: number;
  readonly ppid: number;
  readonly comm: string;
  readonly ticks: number;
}

function readProc(pid: number): ProcInfo | undefined {
  try {
    const stat = fs.readFileSync(`/proc/${pid}/stat`, 'utf8');
    const close = stat.lastIndexOf(')');
    const comm = stat.slice(stat.indexOf('(') + 1, close);
    // Fields after the command: state ppid ... utime (14th field overall) stime (15th).
    const rest = stat.slice(close + 2).split(' ');
    return { pid, ppid: Number(rest[1]), comm, ticks: Number(rest[11]) + Number(rest[12]) };
  } catch {
    return undefined;
  }
}

function allProcs(): ProcInfo[] {
  const out: ProcInfo[] = [];
  for (const name of fs.readdirSync('/proc')) {
    if (!/^\d+$/.test(name)) continue;
    const info = readProc(Number(name));
    if (info) out.push(info);
  }
  return out;
}

export type CpuGroups = Record<string, (p: ProcInfo) => boolean>;

export interface CpuSnapshot {
  readonly at: number;
  /** Per group, the CPU ticks of each of its processes by pid. */
  readonly ticks: Record<string, Map<number, number>>;
}

/** The dev server this process started (a child named `temporal`). */
export const temporalChild = (p: ProcInfo): boolean => p.ppid === process.pid && p.comm === 'temporal';
/** Every Postgres server process, backends included. */
export const postgresProcess = (p: ProcInfo): boolean => p.comm === 'postgres';

/** The groups the bench reports: its own children by pid, the dev server as our `temporal` child, every postgres process. */
export function benchGroups(pids: { api: number; baseline: number }): CpuGroups {
  return {
    api: (p) => p.pid === pids.api,
    baseline: (p) => p.pid === pids.baseline,
    temporal: temporalChild,
    postgres: postgresProcess,
    bench: (p) => p.pid === process.pid,
  };
}

export function cpuSnapshot(groups: CpuGroups): CpuSnapshot {
  const ticks: Record<string, Map<number, number>> = Object.fromEntries(Object.keys(groups).map((g) => [g, new Map<number, number>()]));
  for (const proc of allProcs()) {
    for (const [group, match] of Object.entries(groups)) {
      if (match(proc)) ticks[group]?.set(proc.pid, proc.ticks);
    }
  }
  return { at: performance.now(), ticks };
}

/**
 * Cores used per group between two snapshots. Counted per pid, so a process that exited
 * meanwhile (a closed Postgres backend) drops out instead of going negative.
 */
export function coresByGroup(before: CpuSnapshot, after: CpuSnapshot): Record<string, number> {
  const seconds = (after.at - before.at) / 1000;
  return Object.fromEntries(
    Object.entries(after.ticks).map(([group, pids]) => {
      let used = 0;
      for (const [pid, ticks] of pids) used += ticks - (before.ticks[group]?.get(pid) ?? 0);
      return [group, used / CLOCK_TICKS_PER_SECOND / seconds];
    }),
  );
}

/** e.g. "api 0.95 · temporal 0.40" */
export function formatCpu(cores: Record<string, number>): string {
  return Object.entries(cores)
    .map(([group, used]) => `${group} ${used.toFixed(2)}`)
    .join(' · ');
}
