/**
 * What a GPU pool should do now, from what it sees: pure, so the scaler workflow can call it
 * deterministically and the unit tests can pin every rule.
 *
 *   demand  = tasks waiting in the pool's queue + renders running on the pool's VMs
 *   desired = ceil(demand / GPUs per VM), kept within [min, max]
 *   up:   resize to the smallest `desired` of the last `scaleUpLooks` looks: the backlog count
 *         is approximate and lags a render's start by a moment, so one look can count a render
 *         twice (still in the backlog and already running); a real rise persists
 *   down: only after `cooldownSeconds` without a change, and only by deleting VMs that are
 *         running, idle (no render) and not already being changed; never a resize down, which
 *         would let the group pick its own victims, renders and all
 */

export interface PoolVm {
  readonly name: string;
  /** RUNNING, PROVISIONING, STAGING, STOPPING, … (Compute's instanceStatus). */
  readonly status: string;
  /** NONE when the group is not creating, deleting or recreating it. */
  readonly currentAction: string;
  /** Renders this VM is running now. */
  readonly renders: number;
}

export interface PoolObservation {
  readonly backlog: number;
  readonly vms: readonly PoolVm[];
  /** The group's target size (VMs wanted, whether or not they are up yet). */
  readonly targetSize: number;
}

export interface PoolLimits {
  readonly gpusPerVm: number;
  readonly minVms: number;
  readonly maxVms: number;
  readonly cooldownSeconds: number;
  /** Consecutive looks that must want more VMs before the group grows (1: at once). */
  readonly scaleUpLooks: number;
}

export type PoolDecision =
  | { readonly kind: 'hold'; readonly desired: number; readonly reason: string }
  | { readonly kind: 'resize'; readonly desired: number; readonly size: number }
  | { readonly kind: 'delete'; readonly desired: number; readonly names: readonly string[] };

export function inFlight(vms: readonly PoolVm[]): number {
  return vms.reduce((n, vm) => n + vm.renders, 0);
}

export function desiredVms(observation: PoolObservation, limits: PoolLimits): number {
  const demand = observation.backlog + inFlight(observation.vms);
  const wanted = Math.ceil(demand / limits.gpusPerVm);
  return Math.min(limits.maxVms, Math.max(limits.minVms, wanted));
}

/** `earlierDesired`: what the previous looks wanted, oldest first (the workflow keeps them). */
export function decide(observation: PoolObservation, limits: PoolLimits, secondsSinceLastChange: number, earlierDesired: readonly number[] = []): PoolDecision {
  const desired = desiredVms(observation, limits);
  const { targetSize } = observation;
  if (desired > targetSize) {
    const looks = [...earlierDesired.slice(earlierDesired.length - (limits.scaleUpLooks - 1)), desired];
    if (looks.length < limits.scaleUpLooks) return { kind: 'hold', desired, reason: 'confirming a rise' };
    const size = Math.min(...looks);
    return size > targetSize ? { kind: 'resize', desired, size } : { kind: 'hold', desired, reason: 'confirming a rise' };
  }
  if (desired === targetSize) return { kind: 'hold', desired, reason: 'at the desired size' };
  if (secondsSinceLastChange < limits.cooldownSeconds) return { kind: 'hold', desired, reason: 'cooling down' };
  const idle = observation.vms
    .filter((vm) => vm.renders === 0 && vm.status === 'RUNNING' && vm.currentAction === 'NONE')
    .map((vm) => vm.name)
    .sort();
  const names = idle.slice(0, targetSize - desired);
  if (names.length === 0) return { kind: 'hold', desired, reason: 'no idle VM to delete' };
  return { kind: 'delete', desired, names };
}
