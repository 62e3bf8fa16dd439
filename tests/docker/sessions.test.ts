import { createHash, randomBytes } from 'node:crypto';
import { execFileSync } from 'node:child_process';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import WebSocket from 'ws';
import { LABELS } from '../../emulator/pool/context.js';
import { DockerRuntime } from '../../emulator/runtime/docker.js';
import { ensureEchoImage } from '../support/images.js';
import { json, readyCount, startEmulator, until, type Harness } from '../support/harness.js';
import { testPool } from '../support/pool-spec.js';

/**
 * The engine against the real Docker engine, with the offline echo image: what the fake-runtime
 * tests prove about bookkeeping, proven here about containers.
 */
let harness: Harness;
let image: string;

function docker(...args: string[]): string {
  return execFileSync('docker', args, { encoding: 'utf8' }).trim();
}

function containersOf(instance: string, extra: Record<string, string> = {}): string[] {
  const filters = Object.entries({ [LABELS.instance]: instance, ...extra }).flatMap(([k, v]) => ['--filter', `label=${k}=${v}`]);
  const out = docker('ps', '-aq', ...filters);
  return out ? out.split('\n') : [];
}

beforeAll(async () => {
  image = await ensureEchoImage();
  harness = await startEmulator({
    runtime: new DockerRuntime(),
    pools: [
      testPool('echo', image, { readySessionInstances: 2, maxConcurrentSessions: 20, container: { ...testPool('x', image).container, cpu: 0.5, memoryBytes: 256 * 1024 * 1024, env: { GREETING: 'hi' } } }),
      testPool('exits', image, { readySessionInstances: 1, lifecycle: { type: 'OnContainerExit', maxAliveMs: 3_600_000 } }),
      testPool('broken', image, { readySessionInstances: 1, container: { ...testPool('x', image).container, env: { FAIL_START: '1' } } }),
    ],
  });
  await until(harness.emulator, () => readyCount(harness.emulator, 'echo') === 2, 'two ready echo sessions');
});

afterAll(async () => {
  const instance = harness?.emulator.instanceId;
  await harness?.stop();
  if (instance) expect(containersOf(instance)).toEqual([]);
});

describe('sessions on Docker', () => {
  it('binds identifiers to containers and reuses them', async () => {
    const a1 = await json(await fetch(harness.url('echo', '/who', 'docker-user-a')));
    const a2 = await json(await fetch(harness.url('echo', '/who', 'docker-user-a')));
    const b = await json(await fetch(harness.url('echo', '/who', 'docker-user-b')));
    expect(a2.hostname).toBe(a1.hostname);
    expect(b.hostname).not.toBe(a1.hostname);
    expect(a1.path).toBe('/who');
  });

  it('starts exactly one container for 30 concurrent first requests of one identifier', async () => {
    const settled = (): boolean => {
      const counts = harness.emulator.getPool('echo')!.counts();
      return counts.ready === 2 && counts.starting === 0;
    };
    // Earlier tests' refills must be finished, or their containers would count as the race's.
    await until(harness.emulator, settled, 'the ready pool to settle');
    const before = containersOf(harness.emulator.instanceId, { [LABELS.pool]: 'echo' }).length;
    const results = await Promise.all(
      Array.from({ length: 30 }, () => fetch(harness.url('echo', '/', 'docker-race')).then(json)),
    );
    expect(new Set(results.map((r) => r.hostname)).size).toBe(1);
    const sessions = harness.emulator.getPool('echo')!.allSessions().filter((s) => s.identifier === 'docker-race');
    expect(sessions).toHaveLength(1);
    // One ready session was taken and one refill started: the race itself added no container.
    await until(harness.emulator, settled, 'refill');
    expect(containersOf(harness.emulator.instanceId, { [LABELS.pool]: 'echo' }).length).toBe(before + 1);
  });

  it('applies resource limits, hardening and labels to the container', async () => {
    await fetch(harness.url('echo', '/', 'docker-limits'));
    const session = harness.emulator.getPool('echo')!.allSessions().find((s) => s.identifier === 'docker-limits')!;
    const [inspect] = JSON.parse(docker('inspect', session.containerId!)) as {
      HostConfig: { NanoCpus: number; Memory: number; PidsLimit: number; SecurityOpt: string[]; CapDrop: string[] };
      Config: { Labels: Record<string, string>; Env: string[] };
    }[];
    if (!inspect) throw new Error('docker inspect returned nothing');
    expect(inspect.HostConfig.NanoCpus).toBe(500_000_000);
    expect(inspect.HostConfig.Memory).toBe(256 * 1024 * 1024);
    expect(inspect.HostConfig.PidsLimit).toBe(512);
    expect(inspect.HostConfig.SecurityOpt).toContain('no-new-privileges');
    expect(inspect.HostConfig.CapDrop).toContain('ALL');
    expect(inspect.Config.Labels).toMatchObject({
      [LABELS.instance]: harness.emulator.instanceId,
      [LABELS.pool]: 'echo',
      [LABELS.session]: session.id,
    });
    expect(inspect.Config.Env).toContain('GREETING=hi');
  });

  it('streams a 64 MiB upload and download without corruption', async () => {
    const body = randomBytes(64 * 1024 * 1024);
    const upload = await json(
      await fetch(harness.url('echo', '/upload', 'docker-stream'), { method: 'POST', body, duplex: 'half' }),
    );
    expect(upload.bytes).toBe(body.length);
    expect(upload.sha256).toBe(createHash('sha256').update(body).digest('hex'));
    const download = await fetch(harness.url('echo', '/download?bytes=67108864', 'docker-stream'));
    let received = 0;
    for await (const chunk of download.body as AsyncIterable<Uint8Array>) received += chunk.length;
    expect(received).toBe(64 * 1024 * 1024);
  });

  it('forwards WebSocket upgrades both ways', async () => {
    const url = harness.url('echo', '/ws', 'docker-ws').replace(/^http/, 'ws');
    const socket = new WebSocket(url);
    await new Promise<void>((resolve, reject) => {
      socket.once('open', resolve);
      socket.once('error', reject);
    });
    const echoed = new Promise<string>((resolve) => socket.once('message', (data: Buffer) => resolve(data.toString())));
    socket.send('hello through the pool');
    expect(await echoed).toBe('hello through the pool');
    const session = harness.emulator.getPool('echo')!.allSessions().find((s) => s.identifier === 'docker-ws')!;
    expect(session.inflight).toBe(1);
    const closed = new Promise<void>((resolve) => socket.once('close', () => resolve()));
    socket.close();
    await closed;
  });

  it('reports a container crash mid-response and keeps serving others', async () => {
    const response = await fetch(harness.url('echo', '/crash', 'docker-crash'));
    expect(response.status).toBe(200);
    await expect(response.arrayBuffer()).rejects.toThrow();
    const stopped = await harness.emulator.events.waitFor('session.stopped', (e) => e.identifier === 'docker-crash');
    expect(stopped).toMatchObject({ reason: 'exited', exitCode: 3 });
    expect((await fetch(harness.url('echo', '/', 'docker-other'))).status).toBe(200);
    expect((await fetch(harness.url('echo', '/', 'docker-crash'))).status).toBe(200);
  });

  it('ends an OnContainerExit session when its process exits', async () => {
    const stopped = harness.emulator.events.waitFor('session.stopped', (e) => e.identifier === 'docker-exit');
    const response = await fetch(harness.url('exits', '/exit?code=4', 'docker-exit'), { method: 'POST' });
    expect(response.status).toBe(200);
    expect(await stopped).toMatchObject({ reason: 'exited', exitCode: 4 });
    expect(harness.emulator.getPool('exits')!.view('docker-exit')).toBeUndefined();
  });

  it('fails a request with the last output of a container that exits before it is ready', async () => {
    const response = await fetch(harness.url('broken', '/', 'docker-broken'));
    expect(response.status).toBe(502);
    expect(response.headers.get('x-ms-error-code')).toBe('SessionStartFailed');
    const message = ((await json(response)).error as { message: string }).message;
    expect(message).toMatch(/exited with code 2/);
    expect(message).toContain('FAIL_START');
  });
});

describe('probes on Docker', () => {
  let probed: Harness;
  beforeAll(async () => {
    const base = testPool('x', image).container;
    const probe = (type: 'Liveness' | 'Startup') => ({
      type,
      check: { kind: 'http' as const, path: '/health', port: 8080, scheme: 'HTTP' as const, headers: {} },
      failureThreshold: 2,
      initialDelayMs: 0,
      periodMs: 1000,
      timeoutMs: 1000,
    });
    probed = await startEmulator({
      runtime: new DockerRuntime(),
      pools: [testPool('probed', image, { container: { ...base, probes: [probe('Startup'), probe('Liveness')] } })],
    });
  });
  afterAll(async () => {
    await probed?.stop();
  });

  it('replaces a session whose liveness probe fails', async () => {
    const first = await json(await fetch(probed.url('probed', '/', 'sick-user')));
    const stopped = probed.emulator.events.waitFor('session.stopped', (e) => e.identifier === 'sick-user');
    expect((await fetch(probed.url('probed', '/health?fail=1', 'sick-user'))).status).toBe(200);
    expect((await stopped).reason).toBe('unhealthy');
    const second = await json(await fetch(probed.url('probed', '/', 'sick-user')));
    expect(second.hostname).not.toBe(first.hostname);
  });
});
