import { randomBytes } from 'node:crypto';
import { connect } from 'node:net';
import Dockerode from 'dockerode';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  DockerRuntime,
  EngineUnreachableError,
  resolveDockerEndpoint,
  type DockerSessionNetwork,
} from '../../emulator/runtime/docker.js';
import type { ContainerExit, ContainerSpec, RuntimeEvent, StartedContainer } from '../../emulator/runtime/types.js';
import { NotReadyError, waitUntilReady } from '../../emulator/runtime/wait-ready.js';
import { ensureBusyboxImage, ensureEchoImage, ensureSampleImage } from '../support/images.js';
import { createOutsideWorld, outsideWorldUnavailable, type OutsideWorld } from './outside-world.js';

// Everything this file creates carries `labels` (unique per run) and is removed in afterAll by them.
const runId = randomBytes(4).toString('hex');
const labels = { 'io.sessionite.test-run': `runtime-${runId}` };
const runtime = new DockerRuntime({ access: 'containerIp' });
const docker = new Dockerode(resolveDockerEndpoint().options);
const MiB = 1024 * 1024;

/** Exit events of this run's containers, from one watch, retrievable by container id in any order. */
class ExitLog {
  private readonly exits = new Map<string, ContainerExit>();
  private readonly waiters = new Map<string, (exit: ContainerExit) => void>();
  readonly unsubscribe: () => void;

  constructor(rt: DockerRuntime) {
    this.unsubscribe = rt.watch(labels, (event) => {
      if (event.type !== 'exit') return;
      this.exits.set(event.exit.id, event.exit);
      this.waiters.get(event.exit.id)?.(event.exit);
    });
  }

  of(id: string): Promise<ContainerExit> {
    const known = this.exits.get(id);
    return known ? Promise.resolve(known) : new Promise((resolve) => this.waiters.set(id, resolve));
  }
}

let echoImage: string;
let busyboxImage: string;
let sealed: DockerSessionNetwork;
let open: DockerSessionNetwork;
let exits: ExitLog;
let counter = 0;

function spec(overrides: Partial<ContainerSpec> = {}): ContainerSpec {
  return {
    name: `sessionite-rt-${runId}-${++counter}`,
    image: echoImage,
    env: {},
    cpu: 0.5,
    memoryBytes: 256 * MiB,
    pidsLimit: 256,
    labels,
    network: sealed.name,
    targetPort: 8080,
    ...overrides,
  };
}

async function startReady(s: ContainerSpec, rt = runtime): Promise<StartedContainer> {
  const started = await rt.start(s);
  await waitUntilReady({ host: started.host, port: started.port, timeoutMs: 20_000, exited: exits.of(started.id) });
  return started;
}

async function getJson<T>(session: { host: string; port: number }, path: string, method = 'GET'): Promise<T> {
  const response = await fetch(`http://${session.host}:${session.port}${path}`, { method });
  expect(response.status).toBe(200);
  return (await response.json()) as T;
}

beforeAll(async () => {
  [echoImage, busyboxImage] = await Promise.all([ensureEchoImage(), ensureBusyboxImage()]);
  sealed = await runtime.ensureNetwork({ name: `sessionite-rt-${runId}-sealed`, egress: false, labels });
  open = await runtime.ensureNetwork({ name: `sessionite-rt-${runId}-open`, egress: true, labels });
  exits = new ExitLog(runtime);
});

afterAll(async () => {
  exits?.unsubscribe();
  for (const container of await runtime.listOwned(labels)) await runtime.remove(container.id);
  await runtime.removeNetworks(labels);
  expect(await runtime.listOwned(labels)).toEqual([]);
  expect(await docker.listNetworks({ filters: { label: [`io.sessionite.test-run=${labels['io.sessionite.test-run']}`] } })).toEqual([]);
});

describe('engine connection', () => {
  const missing = new DockerRuntime({
    endpoint: { url: 'unix:///tmp/sessionite-no-engine.sock', source: 'DOCKER_HOST', tls: false, options: { socketPath: '/tmp/sessionite-no-engine.sock' } },
  });

  it('ping reports the engine, or names the endpoint it could not reach', async () => {
    expect(await runtime.ping()).toMatchObject({ name: expect.stringMatching(/^(Docker Engine|Podman)$/) as unknown, os: expect.stringMatching(/^linux\//) as unknown });
    await expect(missing.ping()).rejects.toThrow(/^Docker engine not reachable at unix:\/\/\/tmp\/sessionite-no-engine\.sock: .*ENOENT/);
    await expect(missing.start(spec())).rejects.toBeInstanceOf(EngineUnreachableError);
  });

  it('reports a watch that cannot subscribe as disconnected, once', async () => {
    const events: RuntimeEvent[] = [];
    const disconnected = new Promise<void>((resolve) => missing.watch(labels, (e) => (events.push(e), resolve())));
    await disconnected;
    expect(events).toEqual([{ type: 'disconnected', error: expect.stringMatching(/ENOENT/) as unknown }]);
  });
});

describe('images and networks', () => {
  it('reuses local images and reports pull failures in the registry’s words', async () => {
    const image = await runtime.ensureImage(echoImage);
    expect(image).toMatchObject({ pulled: false, imageId: expect.stringMatching(/^sha256:/) as unknown });
    expect(await ensureEchoImage()).toBe(echoImage);
    // 127.0.0.1:1 refuses at once: no registry is contacted.
    await expect(runtime.ensureImage('127.0.0.1:1/sessionite/missing:1')).rejects.toThrow(/pulling 127\.0\.0\.1:1\/sessionite\/missing:1 failed: .*(refused|127\.0\.0\.1:1)/);
  });

  it('creates isolated networks idempotently and reports their addresses', async () => {
    const again = await runtime.ensureNetwork({ name: sealed.name, egress: false, labels });
    expect(again.id).toBe(sealed.id);
    expect(sealed).toMatchObject({ internal: true, egressEnforced: true, subnet: expect.stringMatching(/^\d+\.\d+\.\d+\.\d+\/\d+$/) as unknown });
    expect(open).toMatchObject({ internal: false, egressEnforced: true });
    const info = await docker.getNetwork(sealed.id).inspect();
    expect(info.Options?.['com.docker.network.bridge.enable_icc']).toBe('false');
  });

  it('replaces an unused network whose isolation differs, and removes unused labelled networks', async () => {
    const ownLabels = { ...labels, 'io.sessionite.test-net': runId };
    const name = `sessionite-rt-${runId}-swap`;
    const internal = await runtime.ensureNetwork({ name, egress: false, labels: ownLabels });
    const published = new DockerRuntime({ access: 'publishedPort' });
    const replaced = await published.ensureNetwork({ name, egress: false, labels: ownLabels });
    expect(replaced.id).not.toBe(internal.id);
    expect(replaced).toMatchObject({ internal: false, egressEnforced: false });
    expect(await runtime.removeNetworks(ownLabels)).toBe(1);
    await expect(runtime.removeNetworks({})).rejects.toThrow(/without any label/);
  });
});

describe('session containers', () => {
  let session: StartedContainer;

  beforeAll(async () => {
    session = await startReady(spec({ env: { SESSION_VAR: 'from-spec' }, cpu: 0.5, memoryBytes: 128 * MiB, pidsLimit: 64 }));
  });

  it('starts a container that answers on its address with the spec’s environment', async () => {
    const echo = await getJson<{ path: string; query: string; hostname: string }>(session, '/some/path?x=1');
    expect(echo).toMatchObject({ path: '/some/path', query: 'x=1' });
    expect(session.id.startsWith(echo.hostname)).toBe(true);
    expect(await getJson<Record<string, string>>(session, '/env')).toMatchObject({ SESSION_VAR: 'from-spec' });
    expect(await runtime.isRunning(session.id)).toBe(true);
    const owned = await runtime.listOwned(labels);
    expect(owned).toContainEqual(expect.objectContaining({ id: session.id, running: true, labels: expect.objectContaining(labels) as unknown }));
  });

  it('applies the resource limits and hardening', async () => {
    const { HostConfig: host, Config: config } = await docker.getContainer(session.id).inspect();
    expect(host).toMatchObject({ NanoCpus: 500_000_000, Memory: 128 * MiB, MemorySwap: 128 * MiB, PidsLimit: 64, Init: false });
    expect(host.SecurityOpt).toContain('no-new-privileges');
    expect(host.CapDrop).toEqual(['ALL']);
    expect(host.CapAdd).not.toContain('NET_RAW');
    expect(host.RestartPolicy?.Name).toBe('no');
    expect(host.LogConfig?.Type).toBe('json-file');
    expect(config.Labels).toMatchObject(labels);
  });

  it('reports an exit with its code, and the container is no longer running', async () => {
    const other = await startReady(spec());
    await getJson(other, '/exit?code=5', 'POST');
    expect(await exits.of(other.id)).toEqual({ id: other.id, exitCode: 5, oomKilled: false });
    expect(await runtime.isRunning(other.id)).toBe(false);
    await runtime.remove(other.id);
    await runtime.remove(other.id); // already gone: not an error
    expect(await runtime.isRunning(other.id)).toBe(false);
  });

  it('flags a container killed for exceeding its memory limit', async () => {
    const hog = 'const keep = []; for (;;) keep.push(Buffer.alloc(4 << 20, 1));';
    const started = await runtime.start(spec({ command: ['node', '-e', hog], memoryBytes: 64 * MiB }));
    expect(await exits.of(started.id)).toEqual({ id: started.id, exitCode: 137, oomKilled: true });
  });

  it('passes command as entrypoint and args as its arguments; tail returns the last lines of both streams', async () => {
    const script = 'echo "argv: $0 $1"; for i in $(seq 1 50); do echo "line $i"; done; echo oops >&2; exec node /app/server.js';
    const started = await startReady(spec({ command: ['sh', '-c', script], args: ['first', 'second'] }));
    await getJson(started, '/exit?code=0', 'POST');
    // After the exit event the engine has closed the container's streams: the log is complete.
    expect((await exits.of(started.id)).exitCode).toBe(0);
    const all = (await runtime.tail(started.id, 100)).trimEnd().split('\n');
    expect(all).toHaveLength(53);
    // The engine copies stdout and stderr separately: their relative order in the log is not kept.
    expect(all).toContain('oops');
    expect(all.filter((line) => line !== 'oops')[0]).toBe('argv: first second');
    expect(await runtime.tail(started.id, 2)).toMatch(/^(line 50|oops)\necho-server listening on 8080\n$/);
  });

  it('rejects a container that dies at once with its exit code and output, leaving nothing behind', async () => {
    const quick = spec({ image: busyboxImage, command: ['sh', '-c', 'echo "missing setting FOO" >&2; exit 4'] });
    const outcome = await runtime.start(quick).then(
      (started) => exits.of(started.id),
      (err: unknown) => err,
    );
    if (outcome instanceof Error) {
      expect(outcome.message).toMatch(/exited with code 4 right after starting; last output:\nmissing setting FOO/);
      await expect(docker.getContainer(quick.name).inspect()).rejects.toMatchObject({ statusCode: 404 });
    } else {
      // Rarely the shell outlives `start`'s inspect; then the exit event carries the same facts.
      expect(outcome).toMatchObject({ exitCode: 4 });
    }
  });

  it('leaves nothing behind when a container cannot start', async () => {
    const broken = spec({ command: ['/no/such/binary'] });
    await expect(runtime.start(broken)).rejects.toThrow(/Could not start container .*no such file/i);
    await expect(docker.getContainer(broken.name).inspect()).rejects.toMatchObject({ statusCode: 404 });
    await expect(runtime.start(spec({ image: 'sessionite-test/does-not-exist:1' }))).rejects.toThrow(/No such image/i);
    expect((await runtime.listOwned(labels)).map((c) => c.name)).not.toContain(broken.name);
  });

  it('fails readiness at once when the session exits first, and its logs say why', async () => {
    // Never listens on the target port; blocks in `nc` until the test connects to 9999, then fails.
    const script = 'echo "loading config"; nc -l -p 9999 >/dev/null; echo "config invalid, giving up" >&2; exit 2';
    const started = await runtime.start(spec({ image: busyboxImage, command: ['sh', '-c', script] }));
    const waiting = waitUntilReady({ host: started.host, port: started.port, timeoutMs: 20_000, exited: exits.of(started.id) });
    await new Promise<void>((resolve, reject) => {
      const trigger = connect(9999, started.host, () => trigger.end(resolve));
      trigger.once('error', reject);
    });
    const error = await waiting.catch((e: unknown) => e);
    expect(error).toBeInstanceOf(NotReadyError);
    expect(error).toMatchObject({ reason: 'exited', message: expect.stringMatching(/exited with code 2 before it was ready/) as unknown });
    expect(await runtime.tail(started.id, 5)).toBe('loading config\nconfig invalid, giving up\n');
  });
});

describe('sample session image', () => {
  it('runs a command sent to POST /execute, as in the ACA sample', async () => {
    const session = await startReady(spec({ image: await ensureSampleImage() }));
    const response = await fetch(`http://${session.host}:${session.port}/execute`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ command: "echo 'Hello, world!'; echo warn >&2; exit 3" }),
    });
    expect(await response.json()).toEqual({ stdout: 'Hello, world!\n', stderr: 'warn\n', exitCode: 3 });
  });
});

describe('isolation', () => {
  it('keeps sessions on one pool network from reaching each other', async () => {
    for (const network of [sealed, open]) {
      const [a, b] = await Promise.all([startReady(spec({ network: network.name })), startReady(spec({ network: network.name }))]);
      // The host reaches both (startReady), but neither reaches the other.
      const probe = await getJson<{ connected: boolean }>(a, `/egress?host=${b.host}&port=${b.port}`);
      expect(probe.connected, `on ${network.name}`).toBe(false);
    }
  });

  const unavailable = outsideWorldUnavailable();
  describe.skipIf(unavailable !== undefined)(`egress ${unavailable ? `(skipped: ${unavailable})` : ''}`, () => {
    let world: OutsideWorld;
    beforeAll(async () => {
      world = await createOutsideWorld();
    });
    afterAll(() => world?.close());

    it('lets egress-enabled sessions reach the outside and keeps egress-disabled ones in', async () => {
      const [inside, outside] = await Promise.all([startReady(spec({ network: sealed.name })), startReady(spec({ network: open.name }))]);
      const target = `/egress?host=${world.host}&port=${world.port}`;
      expect(await getJson(outside, target)).toEqual({ connected: true });
      expect(await getJson(inside, target)).toMatchObject({ connected: false });
    });
  });
});

describe('published-port access mode', () => {
  it('publishes the target port on loopback and waits past the proxy until the session listens', async () => {
    const published = new DockerRuntime({ access: 'publishedPort' });
    const network = await published.ensureNetwork({ name: `sessionite-rt-${runId}-published`, egress: false, labels });
    // Port publishing needs a routable network: egress cannot be blocked in this mode, and says so.
    expect(network).toMatchObject({ internal: false, egressEnforced: false });
    const started = await startReady(spec({ network: network.name, env: { READY_DELAY_MS: '300' } }), published);
    expect(started.host).toBe('127.0.0.1');
    expect(await getJson(started, '/hello')).toMatchObject({ path: '/hello' });
    const { HostConfig: host } = await docker.getContainer(started.id).inspect();
    expect((host.PortBindings as Record<string, unknown>)['8080/tcp']).toEqual([{ HostIp: '127.0.0.1', HostPort: '' }]);
  });
});
