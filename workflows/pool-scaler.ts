import { continueAsNew, defineQuery, proxyActivities, setHandler, sleep } from '@temporalio/workflow';
import type { PoolScalerActivities } from '../activities/pool-scaler.js';
import type { GroupRef } from '../infra/compute/instance-groups.js';
import { decide, type PoolDecision, type PoolLimits } from './pool-scaler/decide.js';

export interface PoolScalerInput {
  readonly pool: string;
  readonly taskQueue: string;
  readonly group: GroupRef;
  readonly limits: PoolLimits;
  readonly intervalSeconds: number;
  /** Carried across continueAsNew: when the group last changed (epoch ms). */
  readonly lastChangeAt?: number;
}

export interface PoolScalerState {
  readonly lastDecision: PoolDecision | undefined;
  readonly lastChangeAt: number;
}

export const poolScalerStateQuery = defineQuery<PoolScalerState>('poolScalerState');

const { observePool, applyPoolDecision } = proxyActivities<PoolScalerActivities>({
  startToCloseTimeout: '1 minute',
  retry: { initialInterval: '2 seconds', maximumInterval: '1 minute', backoffCoefficient: 2 },
});

/** Rounds per run before continueAsNew keeps the history short. */
const ROUNDS_PER_RUN = 200;

/**
 * One GPU pool's scaler: a durable loop that looks at the pool's backlog and renders, decides
 * (./pool-scaler/decide.ts) and resizes up or deletes idle VMs by name. One workflow per pool,
 * id `pool-scaler-<pool>`.
 */
export async function poolScaler(input: PoolScalerInput): Promise<void> {
  let lastChangeAt = input.lastChangeAt ?? 0;
  let lastDecision: PoolDecision | undefined;
  const earlierDesired: number[] = [];
  setHandler(poolScalerStateQuery, () => ({ lastDecision, lastChangeAt }));
  for (let round = 0; round < ROUNDS_PER_RUN; round++) {
    const observation = await observePool({ group: input.group, taskQueue: input.taskQueue });
    lastDecision = decide(observation, input.limits, (Date.now() - lastChangeAt) / 1000, earlierDesired);
    earlierDesired.push(lastDecision.desired);
    if (earlierDesired.length > 10) earlierDesired.shift();
    if (lastDecision.kind !== 'hold') {
      await applyPoolDecision({ group: input.group, decision: lastDecision });
      lastChangeAt = Date.now();
    }
    await sleep(input.intervalSeconds * 1000);
  }
  await continueAsNew<typeof poolScaler>({ ...input, lastChangeAt });
}
