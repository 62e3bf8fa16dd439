import type Dockerode from 'dockerode';
import type { NetworkInspectInfo } from 'dockerode';
import { dockerMessage, statusOf, tolerate } from './docker-errors.js';
import type { AccessMode } from './docker-container.js';
import { removeNetworkForced, type ForcedRemovalOptions } from './docker-teardown.js';
import type { OwnedNetwork, SessionNetwork, SessionNetworkSpec } from './types.js';

/** A pool network as Docker made it, with what it can and cannot enforce. */
export interface DockerSessionNetwork extends SessionNetwork {
  internal: boolean;
  /**
   * False when the pool asked for no egress but the network still routes off the host. That happens
   * in `publishedPort` access mode: the engine does not publish ports of containers on `internal`
   * networks, so those pools get an ordinary bridge and sessions CAN reach the outside. Callers
   * must surface this to the user rather than pretend the pool is sealed.
   */
  egressEnforced: boolean;
}

/** Sessions on one bridge must not see each other (real sessions are separate Hyper-V sandboxes). */
const ICC_OPTION = 'com.docker.network.bridge.enable_icc';

export function labelFilters(labels: Record<string, string>): string[] {
  const filters = Object.entries(labels).map(([key, value]) => `${key}=${value}`);
  // An empty label filter matches everything on the machine: never list, watch or remove by it.
  if (filters.length === 0) throw new Error('refusing to select engine objects without any label');
  return filters;
}

function wantsInternal(spec: SessionNetworkSpec, access: AccessMode): boolean {
  return !spec.egress && access === 'containerIp';
}

function matches(info: NetworkInspectInfo, internal: boolean): boolean {
  return info.Driver === 'bridge' && info.Internal === internal && info.Options?.[ICC_OPTION] === 'false';
}

function firstHostAddress(subnet: string): string {
  const [base] = subnet.split('/');
  const octets = (base ?? '').split('.').map(Number);
  if (octets.length !== 4 || octets.some((o) => !Number.isInteger(o))) return '';
  octets[3] = (octets[3] ?? 0) + 1;
  return octets.join('.');
}

function describe(info: NetworkInspectInfo, spec: SessionNetworkSpec): DockerSessionNetwork {
  const config = (info.IPAM?.Config ?? []).find((c) => c.Subnet && !c.Subnet.includes(':'));
  if (!config?.Subnet) throw new Error(`network ${info.Name} has no IPv4 subnet`);
  return {
    id: info.Id,
    name: info.Name,
    subnet: config.Subnet,
    // Docker's default IPAM gives the bridge the subnet's first address when it does not report one.
    gateway: config.Gateway || firstHostAddress(config.Subnet),
    internal: info.Internal,
    egressEnforced: info.Internal || spec.egress,
  };
}

async function inspectOrNull(docker: Dockerode, name: string): Promise<NetworkInspectInfo | null> {
  return tolerate(() => docker.getNetwork(name).inspect(), [404], null);
}

async function create(docker: Dockerode, spec: SessionNetworkSpec, internal: boolean): Promise<void> {
  try {
    await docker.createNetwork({
      Name: spec.name,
      Driver: 'bridge',
      CheckDuplicate: true,
      Internal: internal,
      Attachable: false,
      EnableIPv6: false,
      Options: { [ICC_OPTION]: 'false' },
      Labels: spec.labels,
    });
  } catch (err) {
    // 409: a concurrent ensureNetwork created it first; the caller re-inspects.
    if (statusOf(err) !== 409) throw err;
  }
}

/**
 * Reuses the named network when its isolation settings are the ones wanted. One with other settings
 * (e.g. left by a run in another access mode) is replaced if unused, and refused if in use: handing
 * sessions a network that lets them reach each other or the outside would be a silent downgrade.
 */
export async function ensureNetwork(
  docker: Dockerode,
  spec: SessionNetworkSpec,
  access: AccessMode,
): Promise<DockerSessionNetwork> {
  const internal = wantsInternal(spec, access);
  const existing = await inspectOrNull(docker, spec.name);
  if (existing && matches(existing, internal)) return describe(existing, spec);
  if (existing) {
    try {
      await docker.getNetwork(existing.Id).remove();
    } catch (err) {
      throw new Error(
        `network ${spec.name} exists with other isolation settings (internal=${existing.Internal}) and cannot be replaced: ${dockerMessage(err)}`,
        { cause: err },
      );
    }
  }
  await create(docker, spec, internal);
  const created = await inspectOrNull(docker, spec.name);
  if (!created) throw new Error(`network ${spec.name} vanished right after it was created`);
  if (!matches(created, internal)) throw new Error(`network ${spec.name} was created concurrently with other settings`);
  return describe(created, spec);
}

export async function removeNetwork(
  docker: Dockerode,
  name: string,
  options: ForcedRemovalOptions = {},
): Promise<void> {
  const result = await removeNetworkForced(docker, name, options);
  if (!result.removed) throw new Error(`network ${name} could not be removed: ${result.problem}`);
}

export async function listNetworks(docker: Dockerode, labels: Record<string, string>): Promise<OwnedNetwork[]> {
  const networks = await docker.listNetworks({ filters: { label: labelFilters(labels) } });
  return networks.map((n) => ({ id: n.Id, name: n.Name, labels: n.Labels ?? {} }));
}

/**
 * Removes every labelled network, force-disconnecting whatever is still attached (callers remove
 * the containers first; see `removeNetworkForced`). Every network is tried; those that cannot be
 * removed by the deadline are named in one error afterwards.
 */
export async function removeNetworks(
  docker: Dockerode,
  labels: Record<string, string>,
  options: ForcedRemovalOptions = {},
): Promise<number> {
  const networks = await listNetworks(docker, labels);
  const results = await Promise.all(networks.map((n) => removeNetworkForced(docker, n.name, options)));
  const stuck = results.flatMap((r, i) => (r.removed ? [] : [`${networks[i]?.name}: ${r.problem}`]));
  if (stuck.length > 0) throw new Error(`network(s) left on the engine: ${stuck.join('; ')}`);
  return results.length;
}
