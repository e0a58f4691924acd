import { GoogleAuth } from 'google-auth-library';

/** A regional managed instance group: the one GPU pool the scaler resizes. */
export interface GroupRef {
  readonly project: string;
  readonly region: string;
  readonly name: string;
}

export interface ManagedVm {
  readonly name: string;
  readonly status: string;
  readonly currentAction: string;
}

/** What the pool scaler needs of the Compute API, and no more. */
export interface InstanceGroups {
  describe(group: GroupRef): Promise<{ targetSize: number; vms: ManagedVm[] }>;
  resize(group: GroupRef, size: number): Promise<void>;
  /** Deletes exactly these VMs (and lowers the target size by as many). */
  deleteInstances(group: GroupRef, names: readonly string[]): Promise<void>;
}

/**
 * The Compute Engine v1 REST API through google-auth-library: four calls do not justify
 * @google-cloud/compute's generated client (tens of MB of protos) in every image.
 */
export class ComputeInstanceGroups implements InstanceGroups {
  private readonly auth: GoogleAuth;

  constructor(options: { readonly auth?: GoogleAuth; readonly baseUrl?: string } = {}) {
    this.auth = options.auth ?? new GoogleAuth({ scopes: ['https://www.googleapis.com/auth/compute'] });
    this.baseUrl = options.baseUrl ?? 'https://compute.googleapis.com/compute/v1';
  }

  private readonly baseUrl: string;

  private url(group: GroupRef, suffix = ''): string {
    return `${this.baseUrl}/projects/${group.project}/regions/${group.region}/instanceGroupManagers/${group.name}${suffix}`;
  }

  private async call<T>(method: 'GET' | 'POST', url: string, body?: unknown): Promise<T> {
    const client = await this.auth.getClient();
    const res = await client.request<T>({ method, url, ...(body === undefined ? {} : { data: body }) });
    return res.data;
  }

  async describe(group: GroupRef): Promise<{ targetSize: number; vms: ManagedVm[] }> {
    const manager = await this.call<{ targetSize?: number }>('GET', this.url(group));
    const listed = await this.call<{ managedInstances?: Array<{ instance?: string; instanceStatus?: string; currentAction?: string }> }>('POST', this.url(group, '/listManagedInstances'));
    const vms = (listed.managedInstances ?? []).map((m) => ({
      name: (m.instance ?? '').split('/').pop() ?? '',
      status: m.instanceStatus ?? 'PROVISIONING',
      currentAction: m.currentAction ?? 'NONE',
    }));
    return { targetSize: manager.targetSize ?? 0, vms };
  }

  async resize(group: GroupRef, size: number): Promise<void> {
    await this.call('POST', this.url(group, `/resize?size=${size}`));
  }

  async deleteInstances(group: GroupRef, names: readonly string[]): Promise<void> {
    const instances = await this.instanceUrls(group, names);
    await this.call('POST', this.url(group, '/deleteInstances'), { instances, skipInstancesOnValidationError: true });
  }

  private async instanceUrls(group: GroupRef, names: readonly string[]): Promise<string[]> {
    const listed = await this.call<{ managedInstances?: Array<{ instance?: string }> }>('POST', this.url(group, '/listManagedInstances'));
    const byName = new Map((listed.managedInstances ?? []).map((m) => [(m.instance ?? '').split('/').pop(), m.instance ?? '']));
    return names.map((n) => byName.get(n)).filter((u): u is string => Boolean(u));
  }
}
