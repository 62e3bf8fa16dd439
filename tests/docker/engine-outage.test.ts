import { mkdtemp, rm } from 'node:fs/promises';
import { createConnection, createServer, type Server, type Socket } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { DockerRuntime } from '../../emulator/runtime/docker.js';
import { ensureEchoImage } from '../support/images.js';
import { readyCount, startEmulator, until, type Harness } from '../support/harness.js';
import { testPool } from '../support/pool-spec.js';

/**
 * The Docker engine going away and coming back, without touching the real dockerd: the emulator
 * talks to the engine through a unix-socket relay that the test can cut and restore.
 */
class EngineRelay {
  private server?: Server;
  private readonly sockets = new Set<Socket>();
  constructor(readonly path: string) {}

  async open(): Promise<void> {
    if (this.server?.listening) return;
    this.server = createServer((client) => {
      const engine = createConnection('/var/run/docker.sock');
      for (const s of [client, engine]) {
        this.sockets.add(s);
        s.on('close', () => this.sockets.delete(s));
        s.on('error', () => s.destroy());
      }
      client.pipe(engine).pipe(client);
    });
    await new Promise<void>((resolve, reject) => {
      this.server!.once('error', reject);
      this.server!.listen(this.path, resolve);
    });
  }

  async cut(): Promise<void> {
    const closed = new Promise<void>((resolve) => this.server?.close(() => resolve()));
    for (const s of this.sockets) s.destroy();
    await closed;
  }
}

let dir: string;
let relay: EngineRelay;
let harness: Harness;

beforeAll(async () => {
  const image = await ensureEchoImage();
  dir = await mkdtemp(join(tmpdir(), 'sessionite-relay-'));
  relay = new EngineRelay(join(dir, 'docker.sock'));
  await relay.open();
  const runtime = new DockerRuntime({
    endpoint: { url: `unix://${relay.path}`, source: 'DOCKER_HOST', tls: false, options: { socketPath: relay.path } },
  });
  harness = await startEmulator({ runtime, pools: [testPool('relay', image, { readySessionInstances: 1 })] });
  await until(harness.emulator, () => readyCount(harness.emulator, 'relay') === 1, 'a ready session');
});

afterAll(async () => {
  await relay.open();
  await harness?.stop();
  await relay.cut();
  await rm(dir, { recursive: true, force: true });
});

describe('container engine outage', () => {
  it('answers 503 while the engine is unreachable and recovers by itself', async () => {
    const down = harness.emulator.events.waitFor('runtime.unavailable');
    await relay.cut();
    const event = await down;
    expect(event.message.length).toBeGreaterThan(0);
    const response = await fetch(harness.url('relay', '/', 'outage-user'));
    expect(response.status).toBe(503);
    expect(response.headers.get('x-ms-error-code')).toBe('ContainerRuntimeUnavailable');
    const ready = await fetch(`${harness.emulator.httpUrl}/readyz`);
    expect(ready.status).toBe(503);

    const back = harness.emulator.events.waitFor('runtime.available');
    await relay.open();
    await back;
    const served = await fetch(harness.url('relay', '/', 'outage-user'));
    expect(served.status).toBe(200);
    expect((await fetch(`${harness.emulator.httpUrl}/readyz`)).status).toBe(200);
  });
});
