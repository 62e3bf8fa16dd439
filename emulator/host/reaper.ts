import { hostname } from 'node:os';
import { LABELS } from '../pool/context.js';
import type { ContainerRuntime } from '../runtime/types.js';
import { processAlive } from './instance-file.js';

/** How long the reaper retries a dead run's network that still reports endpoints. */
const NETWORK_WAIT_MS = 2_000;

/**
 * Removes containers and networks left by emulator runs that are gone (killed with -9, crashed,
 * machine rebooted, or a shutdown that ran out of time). A run is gone when its owner label names
 * this host and a process id that no longer exists; runs owned by other hosts (a shared remote
 * engine) or by live processes are left alone, so two emulators on one engine never reap each other.
 * Networks are looked at too: a run whose containers are all gone may still have left its network.
 * Containers go first (the runtime detaches and removes them a few at a time), then the networks;
 * a network that cannot be removed is named in the error thrown once everything else is done.
 */
export async function reapOrphans(
  runtime: ContainerRuntime,
  ownInstance: string,
  knownDeadInstances: string[] = [],
): Promise<{ containers: number; networks: number }> {
  const managed = { [LABELS.managed]: 'true' };
  const [owned, networks] = await Promise.all([
    runtime.listOwned(managed),
    runtime.listOwnedNetworks(managed),
  ]);
  const host = hostname();
  const dead = new Set(knownDeadInstances);
  for (const { labels } of [...owned, ...networks]) {
    const instance = labels[LABELS.instance];
    const owner = labels[LABELS.owner] ?? '';
    if (!instance || instance === ownInstance || dead.has(instance)) continue;
    const [ownerHost, pidText] = splitOwner(owner);
    if (ownerHost === host && !processAlive(Number(pidText))) dead.add(instance);
  }
  dead.delete(ownInstance);
  const victims = owned.filter((c) => dead.has(c.labels[LABELS.instance] ?? ''));
  await Promise.all(victims.map((c) => runtime.remove(c.id)));
  let removed = 0;
  const problems: string[] = [];
  for (const instance of dead) {
    const labels = { ...managed, [LABELS.instance]: instance };
    try {
      removed += await runtime.removeNetworks(labels, { deadline: Date.now() + NETWORK_WAIT_MS });
    } catch (error) {
      problems.push(error instanceof Error ? error.message : String(error));
    }
  }
  if (problems.length > 0) {
    const done =
      victims.length || removed
        ? `removed ${victims.length} container(s) and ${removed} network(s), but `
        : '';
    throw new Error(`${done}${problems.join('; ')}`);
  }
  return { containers: victims.length, networks: removed };
}

function splitOwner(owner: string): [string, string] {
  const at = owner.lastIndexOf(':');
  return at < 0 ? [owner, ''] : [owner.slice(0, at), owner.slice(at + 1)];
}

export function ownerLabel(): string {
  return `${hostname()}:${process.pid}`;
}
