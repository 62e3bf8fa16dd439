import type Dockerode from 'dockerode';
import type { NetworkInspectInfo } from 'dockerode';
import { KeyedGate, Limiter } from '../util/concurrency.js';
import { dockerMessage, statusOf, tolerate } from './docker-errors.js';

/**
 * Taking session containers and their networks apart without corrupting the engine.
 *
 * Why this is careful: Docker 20.10 (libnetwork) keeps a per-network endpoint count next to the
 * endpoints, and updates it with an unsynchronised read-modify-write on an object its store cache
 * shares between callers. When several endpoints of one network are created or deleted at the same
 * moment (100+ `docker rm -f` at once on shutdown), updates get lost and the count stays above zero
 * with no endpoint left. The network then refuses removal ("has active endpoints") for good: the API
 * lists no endpoint, so there is nothing to force-disconnect, and only an engine restart recounts.
 *
 * Invariants kept here, for every container this runtime starts or removes:
 *  - endpoint deletions on one network never overlap each other or a container start on that network
 *    (`exclusive` vs `shared` on the network's gate): a container is detached from its networks,
 *    one at a time per network, before it is stopped or removed, so its removal deletes no endpoint;
 *  - starts may overlap each other (`shared`): serialising them would slow bursts of new sessions,
 *    and a lost increment only leaves the count low (the network still goes once it is empty). With
 *    16 parallel starts and serialised deletions, 120-session runs left no stuck network (0 of 10);
 *    unbounded `rm -f` left one in 2 of 10;
 *  - at most `maxParallelRemovals` forced removals run at once (the engine serialises most of the
 *    work anyway; more only adds contention);
 *  - a container already being removed is not removed twice: the second caller joins the first.
 */
export class Teardown {
  /** Per network name: container starts are shared holders, endpoint deletions exclusive ones. */
  readonly networks = new KeyedGate();
  private readonly removals: Limiter;
  private readonly inFlight = new Map<string, Promise<void>>();
  /** Networks of the containers this runtime started, so their removal needs no inspect. */
  private readonly attached = new Map<string, string[]>();

  constructor(
    private readonly docker: Dockerode,
    maxParallelRemovals = 8,
  ) {
    this.removals = new Limiter(maxParallelRemovals);
  }

  /** Records where a container this runtime started is attached (forgotten once it is removed). */
  remember(containerId: string, networks: string[]): void {
    if (networks.length > 0) this.attached.set(containerId, networks);
  }

  /**
   * Detaches the container from its networks (serialised per network), stops it gracefully when
   * asked, then force-removes it. Joins a removal of the same container already under way.
   */
  remove(containerId: string, graceSeconds: number, forceRemove: () => Promise<void>): Promise<void> {
    const pending = this.inFlight.get(containerId);
    if (pending) return pending;
    const run = this.removeOnce(containerId, graceSeconds, forceRemove).finally(() => {
      this.inFlight.delete(containerId);
      this.attached.delete(containerId);
    });
    this.inFlight.set(containerId, run);
    return run;
  }

  private async removeOnce(
    containerId: string,
    graceSeconds: number,
    forceRemove: () => Promise<void>,
  ): Promise<void> {
    const container = this.docker.getContainer(containerId);
    await this.detach(containerId);
    if (graceSeconds > 0) {
      // 304: already stopped; 404: gone. Any other failure still ends in the forced removal below.
      await tolerate(
        () => container.stop({ t: graceSeconds }) as Promise<unknown>,
        [304, 404],
        undefined,
      ).catch(() => undefined);
    }
    await this.removals.run(forceRemove);
  }

  /**
   * Best effort: a container that is gone, stopped (the engine released its endpoints when it
   * exited) or already detached makes `disconnect` fail, and the forced removal still follows.
   */
  private async detach(containerId: string): Promise<void> {
    let networks = this.attached.get(containerId);
    if (!networks) {
      const info = await this.docker
        .getContainer(containerId)
        .inspect()
        .catch(() => undefined);
      if (!info?.State.Running) return;
      networks = Object.keys(info.NetworkSettings?.Networks ?? {});
    }
    for (const network of networks) {
      await this.networks
        .exclusive(network, () =>
          this.docker.getNetwork(network).disconnect({ Container: containerId, Force: true }),
        )
        .catch(() => undefined);
    }
  }
}

export interface NetworkRemoval {
  removed: boolean;
  /** Why the network is still there (only when `removed` is false). */
  problem?: string;
}

export interface ForcedRemovalOptions {
  /** Epoch ms after which no further attempt is made. Default: 3 s from the call. */
  deadline?: number;
  /** Pause before the first retry; doubles per attempt (up to 1 s). */
  retryDelayMs?: number;
  /**
   * Consecutive looks at a refusing network that lists no endpoint before its count is called stale.
   * An endpoint being deleted leaves the list a moment before the count drops, so one look is not
   * enough; a count still up after several (100 + 200 + 400 ms apart) will not come down by waiting.
   */
  staleChecks?: number;
  /** The gate `Teardown` serialises endpoint deletions with; `network` must then be the name. */
  gate?: KeyedGate;
  sleep?: (ms: number) => Promise<void>;
  now?: () => number;
}

const defaultSleep = (ms: number): Promise<void> => new Promise((resolve) => setTimeout(resolve, ms).unref());

/**
 * Removes a network, clearing endpoints that hold it. On 403 "has active endpoints" it inspects the
 * network and force-disconnects every endpoint listed: by the endpoint's name (the container's name),
 * which the engine accepts even for an endpoint whose container is gone (an id is not found then),
 * else by the container id.
 * Containers still being removed elsewhere release their endpoints meanwhile, so it retries with a
 * growing pause until the deadline. A network that answers 403 while listing no endpoint has a stale
 * endpoint count (see `Teardown`) and is reported as such: no API call can remove it.
 */
export async function removeNetworkForced(
  docker: Dockerode,
  network: string,
  options: ForcedRemovalOptions = {},
): Promise<NetworkRemoval> {
  const now = options.now ?? Date.now;
  const sleep = options.sleep ?? defaultSleep;
  const deadline = options.deadline ?? now() + 3_000;
  let delay = options.retryDelayMs ?? 100;
  let emptyLooks = 0;
  for (;;) {
    let problem: string;
    try {
      await docker.getNetwork(network).remove();
      return { removed: true };
    } catch (err) {
      const status = statusOf(err);
      // 404: gone already (a concurrent remover was first); 409: its removal is under way elsewhere.
      if (status === 404 || status === 409) return { removed: true };
      if (status !== 403) throw err;
      problem = dockerMessage(err);
    }
    const info = await tolerate<NetworkInspectInfo | null>(
      () => docker.getNetwork(network).inspect(),
      [404],
      null,
    );
    if (!info) return { removed: true };
    const endpoints = Object.entries(info.Containers ?? {});
    if (endpoints.length === 0) {
      problem = `the engine reports active endpoints but lists none: its endpoint count is stale (a Docker 20.10 race), and only an engine restart clears it`;
      if (++emptyLooks >= (options.staleChecks ?? 4)) return { removed: false, problem };
    } else {
      emptyLooks = 0;
    }
    for (const [key, endpoint] of endpoints) {
      // Keys are container ids, or `ep-<endpoint id>` for an endpoint without a live container.
      const targets = [endpoint.Name, key.startsWith('ep-') ? undefined : key].filter(
        (t): t is string => !!t,
      );
      for (const target of targets) {
        const disconnect = (): Promise<unknown> =>
          docker.getNetwork(network).disconnect({ Container: target, Force: true });
        const done = await (options.gate ? options.gate.exclusive(network, disconnect) : disconnect()).then(
          () => true,
          () => false,
        );
        if (done) break;
      }
    }
    if (now() + delay > deadline) return { removed: false, problem };
    await sleep(delay);
    delay = Math.min(delay * 2, 1_000);
  }
}
