import type { Client } from '@temporalio/client';
import proto from '@temporalio/proto';
import type { GroupRef, InstanceGroups } from '../infra/compute/instance-groups.js';
import type { PoolDecision, PoolObservation } from '../workflows/pool-scaler/decide.js';

const { enums } = proto.temporal.api;

/** The Wan render activity: a started one is a render in flight on the worker that took it. */
const RENDER_ACTIVITY = 'generateWanVideo';
const RUNNING_WAN_JOBS = `WorkflowType = 'videoJob' AND ExecutionStatus = 'Running' AND VividModel = 'wan2.1'`;

export interface PoolScalerDeps {
  readonly client: Client;
  readonly namespace: string;
  readonly groups: InstanceGroups;
}

/** A worker's identity is `pid@host`; on a pool VM the host is the VM's name. */
export function hostOfIdentity(identity: string): string {
  return (identity.split('@').pop() ?? '').split('.')[0] ?? '';
}

export function createPoolScalerActivities(deps: PoolScalerDeps) {
  return {
    /** The pool's backlog (Temporal's task-queue stats), its VMs, and the renders running on each. */
    async observePool(input: { group: GroupRef; taskQueue: string }): Promise<PoolObservation> {
      const [queue, group, rendersByHost] = await Promise.all([
        deps.client.workflowService.describeTaskQueue({
          namespace: deps.namespace,
          taskQueue: { name: input.taskQueue, kind: enums.v1.TaskQueueKind.TASK_QUEUE_KIND_NORMAL },
          taskQueueType: enums.v1.TaskQueueType.TASK_QUEUE_TYPE_ACTIVITY,
          reportStats: true,
        }),
        deps.groups.describe(input.group),
        rendersInFlight(deps.client),
      ]);
      const backlog = Number(queue.stats?.approximateBacklogCount ?? 0);
      return {
        backlog,
        targetSize: group.targetSize,
        vms: group.vms.map((vm) => ({ ...vm, renders: rendersByHost.get(vm.name) ?? 0 })),
      };
    },

    async applyPoolDecision(input: { group: GroupRef; decision: PoolDecision }): Promise<void> {
      const { decision } = input;
      if (decision.kind === 'resize') await deps.groups.resize(input.group, decision.size);
      else if (decision.kind === 'delete') await deps.groups.deleteInstances(input.group, decision.names);
    },
  };
}

export type PoolScalerActivities = ReturnType<typeof createPoolScalerActivities>;

/** Started render activities of running Wan jobs, counted by the host of the worker running them. */
async function rendersInFlight(client: Client): Promise<Map<string, number>> {
  const byHost = new Map<string, number>();
  for await (const execution of client.workflow.list({ query: RUNNING_WAN_JOBS })) {
    const { raw } = await client.workflow.getHandle(execution.workflowId, execution.runId).describe();
    for (const activity of raw.pendingActivities ?? []) {
      if (activity.activityType?.name !== RENDER_ACTIVITY) continue;
      if (activity.state !== enums.v1.PendingActivityState.PENDING_ACTIVITY_STATE_STARTED) continue;
      const host = hostOfIdentity(activity.lastWorkerIdentity ?? '');
      byHost.set(host, (byHost.get(host) ?? 0) + 1);
    }
  }
  return byHost;
}
