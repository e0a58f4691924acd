import assert from 'node:assert/strict';
import { test } from 'node:test';
import { decide, desiredVms, type PoolVm } from '../../workflows/pool-scaler/decide.js';

const limits = { gpusPerVm: 1, minVms: 0, maxVms: 4, cooldownSeconds: 300, scaleUpLooks: 1 };
const vm = (name: string, renders = 0, status = 'RUNNING', currentAction = 'NONE'): PoolVm => ({ name, renders, status, currentAction });

test('backlog on an empty pool scales up from zero to one VM per waiting task', () => {
  assert.deepEqual(decide({ backlog: 3, vms: [], targetSize: 0 }, limits, 0), { kind: 'resize', desired: 3, size: 3 });
});

test('demand counts renders in flight as well as the backlog (a started render leaves the backlog)', () => {
  const vms = [vm('a', 1), vm('b', 1)];
  assert.equal(desiredVms({ backlog: 1, vms, targetSize: 2 }, limits), 3);
  assert.deepEqual(decide({ backlog: 1, vms, targetSize: 2 }, limits, 0), { kind: 'resize', desired: 3, size: 3 });
  assert.equal(decide({ backlog: 0, vms, targetSize: 2 }, limits, 1e6).kind, 'hold');
});

test('VMs with several GPUs: ceil(demand / GPUs per VM)', () => {
  const four = { ...limits, gpusPerVm: 4 };
  assert.equal(desiredVms({ backlog: 5, vms: [], targetSize: 0 }, four), 2);
  assert.equal(desiredVms({ backlog: 8, vms: [], targetSize: 0 }, four), 2);
  assert.equal(desiredVms({ backlog: 9, vms: [], targetSize: 0 }, four), 3);
});

test('min and max bound the size', () => {
  assert.deepEqual(decide({ backlog: 50, vms: [], targetSize: 1 }, limits, 0), { kind: 'resize', desired: 4, size: 4 });
  assert.equal(desiredVms({ backlog: 0, vms: [], targetSize: 0 }, { ...limits, minVms: 1 }), 1);
  assert.deepEqual(decide({ backlog: 0, vms: [vm('a')], targetSize: 1 }, { ...limits, minVms: 1 }, 1e6), { kind: 'hold', desired: 1, reason: 'at the desired size' });
});

test('scaling down waits for the cooldown, then deletes only idle running VMs, by name', () => {
  const vms = [vm('c'), vm('a', 1), vm('b')];
  const observation = { backlog: 0, vms, targetSize: 3 };
  assert.deepEqual(decide(observation, limits, 299), { kind: 'hold', desired: 1, reason: 'cooling down' });
  assert.deepEqual(decide(observation, limits, 300), { kind: 'delete', desired: 1, names: ['b', 'c'] });
});

test('a busy VM is never deleted, even when the pool should shrink to zero', () => {
  const two = { ...limits, gpusPerVm: 2 };
  assert.deepEqual(decide({ backlog: 0, vms: [vm('a', 1), vm('b', 1)], targetSize: 2 }, two, 1e6), { kind: 'hold', desired: 1, reason: 'no idle VM to delete' });
  assert.deepEqual(decide({ backlog: 0, vms: [vm('a', 1), vm('b')], targetSize: 2 }, two, 1e6), { kind: 'delete', desired: 1, names: ['b'] });
});

test('booting or already-changing VMs are not deleted; with none idle the pool holds', () => {
  const vms = [vm('a', 0, 'STAGING'), vm('b', 0, 'RUNNING', 'RECREATING'), vm('c', 0, 'PROVISIONING')];
  assert.deepEqual(decide({ backlog: 0, vms, targetSize: 3 }, limits, 1e6), { kind: 'hold', desired: 0, reason: 'no idle VM to delete' });
});

test('it deletes no more VMs than the surplus', () => {
  const vms = [vm('a'), vm('b'), vm('c'), vm('d')];
  assert.deepEqual(decide({ backlog: 2, vms, targetSize: 4 }, limits, 1e6), { kind: 'delete', desired: 2, names: ['a', 'b'] });
});

test('with scaleUpLooks, a rise must persist: the group grows to the smallest size the last looks wanted', () => {
  const confirm = { ...limits, scaleUpLooks: 2 };
  const observation = { backlog: 3, vms: [], targetSize: 0 };
  assert.deepEqual(decide(observation, confirm, 0, []), { kind: 'hold', desired: 3, reason: 'confirming a rise' });
  assert.deepEqual(decide(observation, confirm, 0, [2]), { kind: 'resize', desired: 3, size: 2 });
  // A one-look spike (a render counted in the backlog and as running) does not grow the group.
  assert.deepEqual(decide({ backlog: 2, vms: [vm('a', 1), vm('b')], targetSize: 2 }, confirm, 0, [2]), { kind: 'hold', desired: 3, reason: 'confirming a rise' });
});
