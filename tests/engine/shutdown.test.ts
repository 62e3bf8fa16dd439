import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { Emulator } from '../../emulator/emulator.js';
import type { NetworkRemovalOptions, RemoveOptions } from '../../emulator/runtime/types.js';
import { FakeRuntime } from '../support/fake-runtime.js';
import { readyCount, until } from '../support/harness.js';
import { testPool } from '../support/pool-spec.js';

/**
 * The order and bound of a shutdown (issue #2): every container is gone before the networks are
 * removed (an engine refuses a network with endpoints), and `stop` returns by the deadline even when
 * the engine is slow, finishing the cleanup afterwards.
 */
class SlowEngine extends FakeRuntime {
  /** Removals wait for this (opened by the test); `undefined`: removals are immediate. */
  removalGate?: Promise<void>;
  /** Containers still on the engine at each network sweep. */
  readonly containersAtNetworkSweep: number[] = [];
  networkDeadline?: number;
  private sweptNetworks!: () => void;
  /** Resolves at the first network sweep. */
  readonly networkSwept = new Promise<void>((resolve) => (this.sweptNetworks = resolve));

  override async remove(id: string, options?: RemoveOptions): Promise<void> {
    await this.removalGate;
    return super.remove(id, options);
  }

  override async removeNetworks(
    _labels?: Record<string, string>,
    options?: NetworkRemovalOptions,
  ): Promise<number> {
    this.containersAtNetworkSweep.push(this.containers.size);
    this.networkDeadline = options?.deadline;
    this.sweptNetworks();
    return 1;
  }
}

const cleanups: (() => Promise<void>)[] = [];
afterEach(async () => {
  for (const cleanup of cleanups.splice(0).reverse()) await cleanup();
});

async function running(runtime: SlowEngine, shutdownTimeoutMs: number, logs: string[]): Promise<Emulator> {
  const dataDir = await mkdtemp(join(tmpdir(), 'sessionite-shutdown-'));
  const emulator = new Emulator({
    pools: [testPool('p1', 'img:1', { readySessionInstances: 6 })],
    runtime,
    auth: { mode: 'off' },
    dataDir,
    port: 0,
    https: false,
    shutdownTimeoutMs,
    log: (line) => logs.push(line),
  });
  cleanups.push(async () => {
    await emulator.stop();
    await rm(dataDir, { recursive: true, force: true });
  });
  await emulator.start();
  await emulator.runtimeReady();
  await until(emulator, () => readyCount(emulator, 'p1') === 6, 'six ready sessions');
  return emulator;
}

describe('shutdown', () => {
  it('removes the networks only after every container is gone', async () => {
    const runtime = new SlowEngine();
    const logs: string[] = [];
    const emulator = await running(runtime, 5_000, logs);
    await emulator.stop();
    expect(runtime.containers.size).toBe(0);
    expect(runtime.containersAtNetworkSweep).toEqual([0]);
    expect(logs.filter((line) => /cleanup|shutdown deadline/.test(line))).toEqual([]);
  });

  it('returns by the deadline on a slow engine and finishes the cleanup afterwards', async () => {
    const runtime = new SlowEngine();
    const logs: string[] = [];
    const emulator = await running(runtime, 300, logs);
    let open!: () => void;
    runtime.removalGate = new Promise<void>((resolve) => (open = resolve));

    const started = Date.now();
    await emulator.stop();
    expect(Date.now() - started).toBeLessThan(2_000);
    expect(runtime.containers.size).toBe(6);
    expect(runtime.containersAtNetworkSweep).toEqual([]);
    expect(logs.join('\n')).toMatch(/shutdown deadline passed .*\(6 left\)/);

    open();
    await runtime.networkSwept;
    expect(runtime.containers.size).toBe(0);
    expect(runtime.containersAtNetworkSweep).toEqual([0]);
    // The network sweep that runs after the bound still gets a moment to retry.
    expect(runtime.networkDeadline).toBeGreaterThan(Date.now());
  });
});
