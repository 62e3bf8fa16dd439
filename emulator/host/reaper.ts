import { hostname } from 'node:os';
import { LABELS } from '../pool/context.js';
import type { ContainerRuntime } from '../runtime/types.js';
import { processAlive } from './instance-file.js';

/**
 * Removes containers and networks left by emulator runs that are gone (killed with -9, crashed,
 * machine rebooted). A run is gone when its owner label names this host and a process id that no
 * longer exists; runs owned by other hosts (a shared remote engine) or by live processes are left
 * alone, so two emulators on one engine never reap each other.
 */
export async function reapOrphans(
  runtime: ContainerRuntime,
  ownInstance: string,
  knownDeadInstances: string[] = [],
): Promise<{ containers: number; networks: number }> {
  const owned = await runtime.listOwned({ [LABELS.managed]: 'true' });
  const host = hostname();
  const dead = new Set(knownDeadInstances);
  for (const container of owned) {
    const instance = container.labels[LABELS.instance];
    const owner = container.labels[LABELS.owner] ?? '';
    if (!instance || instance === ownInstance) continue;
    const [ownerHost, pidText] = splitOwner(owner);
    if (ownerHost === host && !processAlive(Number(pidText))) dead.add(instance);
  }
  dead.delete(ownInstance);
  const victims = owned.filter((c) => dead.has(c.labels[LABELS.instance] ?? ''));
  await Promise.all(victims.map((c) => runtime.remove(c.id)));
  let networks = 0;
  for (const instance of dead) {
    networks += await runtime.removeNetworks({ [LABELS.managed]: 'true', [LABELS.instance]: instance });
  }
  return { containers: victims.length, networks };
}

function splitOwner(owner: string): [string, string] {
  const at = owner.lastIndexOf(':');
  return at < 0 ? [owner, ''] : [owner.slice(0, at), owner.slice(at + 1)];
}

export function ownerLabel(): string {
  return `${hostname()}:${process.pid}`;
}
