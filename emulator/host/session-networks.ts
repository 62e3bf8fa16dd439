import { LABELS } from '../pool/context.js';
import type { ContainerRuntime, SessionNetwork } from '../runtime/types.js';
import { inCidr } from './cidr.js';

/**
 * One session network per egress mode and emulator run (ICC off, so sessions cannot reach each
 * other). Their subnets tell the HTTP layer which callers are sessions; `onCreated` lets the
 * managed-identity listener bind to the new network's gateway before any session starts on it.
 */
export class SessionNetworks {
  private readonly networks = new Map<boolean, Promise<SessionNetwork>>();
  private readonly subnets = new Set<string>();

  constructor(
    private readonly runtime: ContainerRuntime,
    private readonly instanceId: string,
    private readonly labels: Record<string, string>,
    private readonly onCreated: (network: SessionNetwork) => Promise<void>,
    private readonly warn: (line: string) => void,
  ) {}

  name(egress: boolean): string {
    return `sessionite-${this.instanceId.slice(0, 8)}-${egress ? 'egress' : 'isolated'}`;
  }

  get(egress: boolean): Promise<SessionNetwork> {
    let network = this.networks.get(egress);
    if (!network) {
      network = this.create(egress);
      network.catch(() => this.networks.delete(egress));
      this.networks.set(egress, network);
    }
    return network;
  }

  private async create(egress: boolean): Promise<SessionNetwork> {
    const network = await this.runtime.ensureNetwork({
      name: this.name(egress),
      egress,
      labels: { ...this.labels, [LABELS.instance]: this.instanceId },
    });
    this.subnets.add(network.subnet);
    // Published-port mode (Docker Desktop) cannot publish ports on internal networks.
    if (!egress && (network as { egressEnforced?: boolean }).egressEnforced === false) {
      this.warn(`egress cannot be blocked on ${network.name} in published-port mode: EgressDisabled pools can reach the network`);
    }
    await this.onCreated(network);
    return network;
  }

  isSessionAddress(address: string | undefined): boolean {
    // Loopback peers are this machine (every request of the benchmarks and most clients): answered
    // without parsing. Session networks are Docker-allocated bridge subnets, never 127.0.0.0/8 or ::1.
    if (!address || address.startsWith('127.') || address === '::1' || address.startsWith('::ffff:127.')) return false;
    for (const subnet of this.subnets) if (inCidr(address, subnet)) return true;
    return false;
  }
}
