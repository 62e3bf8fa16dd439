import type Dockerode from 'dockerode';
import { describe, expect, it } from 'vitest';
import { removeNetworkForced, Teardown } from './docker-teardown.js';

const httpError = (statusCode: number, message: string): Error =>
  Object.assign(new Error(`(HTTP code ${statusCode}) - ${message}`), { statusCode, json: { message } });

const pause = (ms = 1): Promise<void> => new Promise((resolve) => setTimeout(resolve, ms));

interface FakeContainer {
  name: string;
  running: boolean;
  networks: Set<string>;
}

/**
 * Just enough of dockerode for teardown, recording what the real engine is sensitive to: how many
 * endpoint deletions overlap on one network (Docker 20.10 loses endpoint-count updates then) and how
 * many forced removals run at once. A network refuses removal while its count is above zero.
 */
class FakeEngine {
  readonly containers = new Map<string, FakeContainer>();
  /** Per network: endpoint count and the listed endpoints (`Containers` of an inspect). */
  readonly networks = new Map<string, { count: number; listed: Record<string, { Name: string }> }>();
  readonly calls: string[] = [];
  /** Endpoints whose disconnect fails (the engine cannot release them yet). */
  readonly refuse = new Set<string>();
  maxDeletesPerNetwork = 0;
  private deleting = new Map<string, number>();

  addNetwork(name: string): void {
    this.networks.set(name, { count: 0, listed: {} });
  }

  addContainer(id: string, network: string): void {
    this.containers.set(id, { name: `c-${id}`, running: true, networks: new Set([network]) });
    const net = this.networks.get(network)!;
    net.count++;
    net.listed[id] = { Name: `c-${id}` };
  }

  /** Deleting an endpoint takes a moment; overlapping deletions on one network are counted. */
  private async deleteEndpoint(network: string, id: string): Promise<void> {
    const active = (this.deleting.get(network) ?? 0) + 1;
    this.deleting.set(network, active);
    this.maxDeletesPerNetwork = Math.max(this.maxDeletesPerNetwork, active);
    await pause();
    this.deleting.set(network, (this.deleting.get(network) ?? 1) - 1);
    const net = this.networks.get(network)!;
    net.count--;
    delete net.listed[id];
    this.containers.get(id)?.networks.delete(network);
  }

  get docker(): Dockerode {
    return {
      getContainer: (id: string) => ({
        id,
        inspect: async () => {
          this.calls.push(`inspect ${id}`);
          const c = this.containers.get(id);
          if (!c) throw httpError(404, `No such container: ${id}`);
          const networks = Object.fromEntries([...c.networks].map((n) => [n, {}]));
          return { State: { Running: c.running }, NetworkSettings: { Networks: networks } };
        },
        stop: async () => {
          this.calls.push(`stop ${id}`);
          const c = this.containers.get(id);
          if (c) c.running = false;
        },
      }),
      getNetwork: (name: string) => ({
        remove: async () => {
          this.calls.push(`rm-net ${name}`);
          const net = this.networks.get(name);
          if (!net) throw httpError(404, `network ${name} not found`);
          if (net.count > 0)
            throw httpError(403, `error while removing network: network ${name} has active endpoints`);
          this.networks.delete(name);
        },
        inspect: async () => {
          const net = this.networks.get(name);
          if (!net) throw httpError(404, `network ${name} not found`);
          return { Name: name, Containers: { ...net.listed } };
        },
        disconnect: async ({ Container }: { Container: string }) => {
          this.calls.push(`disconnect ${name} ${Container}`);
          if (this.refuse.has(Container)) throw httpError(500, `cannot disconnect ${Container} yet`);
          const listed = Object.entries(this.networks.get(name)?.listed ?? {});
          const hit = listed.find(([key, ep]) => key === Container || ep.Name === Container);
          if (!hit) throw httpError(404, `endpoint ${Container} not found`);
          await this.deleteEndpoint(name, hit[0]);
        },
      }),
    } as unknown as Dockerode;
  }

  /** The engine's forced removal: deletes whatever endpoints the container still has. */
  async forceRemove(id: string): Promise<void> {
    const c = this.containers.get(id);
    if (!c) return;
    await Promise.all([...c.networks].map((n) => this.deleteEndpoint(n, id)));
    this.containers.delete(id);
  }
}

describe('Teardown.remove', () => {
  it('deletes one endpoint per network at a time and bounds the forced removals', async () => {
    const engine = new FakeEngine();
    engine.addNetwork('net');
    const ids = Array.from({ length: 40 }, (_, i) => `id${i}`);
    for (const id of ids) engine.addContainer(id, 'net');
    const teardown = new Teardown(engine.docker, 3);
    for (const id of ids) teardown.remember(id, ['net']);
    let removing = 0;
    let maxRemoving = 0;
    await Promise.all(
      ids.map((id) =>
        teardown.remove(id, 0, async () => {
          maxRemoving = Math.max(maxRemoving, ++removing);
          await engine.forceRemove(id);
          removing--;
        }),
      ),
    );
    expect(engine.containers.size).toBe(0);
    expect(engine.maxDeletesPerNetwork).toBe(1);
    expect(maxRemoving).toBeLessThanOrEqual(3);
    expect(engine.networks.get('net')).toMatchObject({ count: 0 });
    expect(teardown.networks.size).toBe(0);
  });

  it('joins a removal of the same container already under way', async () => {
    const engine = new FakeEngine();
    engine.addNetwork('net');
    engine.addContainer('a', 'net');
    const teardown = new Teardown(engine.docker);
    let forced = 0;
    const remove = (): Promise<void> => teardown.remove('a', 0, async () => void forced++);
    await Promise.all([remove(), remove(), remove()]);
    expect(forced).toBe(1);
    await remove();
    expect(forced).toBe(2);
  });

  it('finds the networks of a container it did not start, and detaches before a graceful stop', async () => {
    const engine = new FakeEngine();
    engine.addNetwork('net');
    engine.addContainer('a', 'net');
    await new Teardown(engine.docker).remove('a', 2, () => engine.forceRemove('a'));
    expect(engine.calls).toEqual(['inspect a', 'disconnect net a', 'stop a']);
  });

  it('does not detach a container that has stopped (the engine released its endpoints)', async () => {
    const engine = new FakeEngine();
    engine.addNetwork('net');
    engine.addContainer('a', 'net');
    engine.containers.get('a')!.running = false;
    await new Teardown(engine.docker).remove('a', 0, async () => undefined);
    expect(engine.calls).toEqual(['inspect a']);
  });

  it('still force-removes when detaching fails', async () => {
    const engine = new FakeEngine();
    const teardown = new Teardown(engine.docker);
    teardown.remember('ghost', ['missing-net']);
    let forced = false;
    await teardown.remove('ghost', 0, async () => void (forced = true));
    expect(forced).toBe(true);
  });
});

describe('removeNetworkForced', () => {
  const instant = { sleep: async () => undefined };

  it('removes a network that has no endpoints, and treats a missing one as removed', async () => {
    const engine = new FakeEngine();
    engine.addNetwork('net');
    expect(await removeNetworkForced(engine.docker, 'net', instant)).toEqual({ removed: true });
    expect(await removeNetworkForced(engine.docker, 'net', instant)).toEqual({ removed: true });
  });

  it('force-disconnects listed endpoints by name, including ones whose container is gone', async () => {
    const engine = new FakeEngine();
    engine.addNetwork('net');
    engine.addContainer('live', 'net');
    // A stale endpoint: listed under `ep-<endpoint id>`, its container long gone.
    const net = engine.networks.get('net')!;
    net.count++;
    net.listed['ep-0123'] = { Name: 'sessionite-pool-gone' };
    expect(await removeNetworkForced(engine.docker, 'net', instant)).toEqual({ removed: true });
    expect(engine.calls).toContain('disconnect net sessionite-pool-gone');
    expect(engine.calls).toContain('disconnect net c-live');
    expect(engine.networks.has('net')).toBe(false);
  });

  it('reports a stale endpoint count (refused, nothing listed) after a few looks', async () => {
    const engine = new FakeEngine();
    engine.addNetwork('net');
    engine.networks.get('net')!.count = 1;
    const slept: number[] = [];
    const result = await removeNetworkForced(engine.docker, 'net', {
      staleChecks: 3,
      sleep: async (ms) => void slept.push(ms),
    });
    expect(result.removed).toBe(false);
    expect(result.problem).toMatch(/active endpoints but lists none: .*stale.*engine restart/);
    expect(slept).toEqual([100, 200]);
  });

  it('retries while endpoints are still being released, until the deadline', async () => {
    const engine = new FakeEngine();
    engine.addNetwork('net');
    engine.addContainer('stuck', 'net');
    // An endpoint that will not go (its disconnect fails every time, by name and by id).
    engine.refuse.add('c-stuck').add('stuck');
    let clock = 0;
    const result = await removeNetworkForced(engine.docker, 'net', {
      deadline: 1_000,
      now: () => clock,
      sleep: async (ms) => void (clock += ms),
    });
    expect(result).toMatchObject({
      removed: false,
      problem: expect.stringMatching(/active endpoints/) as unknown,
    });
    expect(clock).toBeLessThanOrEqual(1_000);
    expect(engine.calls.filter((c) => c === 'rm-net net').length).toBeGreaterThan(2);
  });

  it('passes other engine failures through', async () => {
    const docker = {
      getNetwork: () => ({ remove: () => Promise.reject(httpError(500, 'engine broke')) }),
    } as unknown as Dockerode;
    await expect(removeNetworkForced(docker, 'net', instant)).rejects.toThrow(/engine broke/);
  });
});
