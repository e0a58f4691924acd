import type { GroupRef, InstanceGroups, ManagedVm } from '../../infra/compute/instance-groups.js';

/**
 * A managed instance group as the Compute API would show it, recording every call the scaler
 * makes. Resizing up adds VMs that stay PROVISIONING until the test boots them.
 */
export class RecordingInstanceGroups implements InstanceGroups {
  readonly calls: Array<{ op: 'resize'; size: number } | { op: 'delete'; names: string[] }> = [];
  targetSize = 0;
  vms: ManagedVm[] = [];
  private next = 0;

  async describe(_group: GroupRef): Promise<{ targetSize: number; vms: ManagedVm[] }> {
    return { targetSize: this.targetSize, vms: this.vms.map((vm) => ({ ...vm })) };
  }

  async resize(_group: GroupRef, size: number): Promise<void> {
    this.calls.push({ op: 'resize', size });
    while (this.vms.length < size) this.vms.push({ name: `vm-${String.fromCharCode(97 + this.next++)}`, status: 'PROVISIONING', currentAction: 'CREATING' });
    this.targetSize = size;
  }

  async deleteInstances(_group: GroupRef, names: readonly string[]): Promise<void> {
    this.calls.push({ op: 'delete', names: [...names] });
    this.vms = this.vms.filter((vm) => !names.includes(vm.name));
    this.targetSize -= names.length;
  }

  /** Every VM the group created is now up. */
  bootAll(): void {
    this.vms = this.vms.map((vm) => ({ ...vm, status: 'RUNNING', currentAction: 'NONE' }));
  }
}
