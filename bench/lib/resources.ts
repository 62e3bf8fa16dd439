import { LABELS } from '../../emulator/pool/context.js';
import type { BenchDocker } from './docker.js';
import type { EmulatorProcess } from './emulator-process.js';
import { sleep } from './http-client.js';

/**
 * Everything the run started, so that nothing outlives it: emulator children (stopped with SIGTERM,
 * which makes them remove their own containers and networks), then a label sweep for what a killed
 * or hung emulator left (its `io.sessionite.instance` label) and for the benchmark's own baseline
 * containers and network (`io.sessionite.bench.run`).
 *
 * Deliberately not swept by the `io.sessionite.owner` (host:pid) label: pids are reused, and another
 * engineer's emulator on the same engine could carry an owner label equal to an exited child's. An
 * emulator writes its instance id before it creates any container, so the instance label covers all.
 */
export interface SweepCounts {
  bench: { containers: number; networks: number };
  emulators: { containers: number; networks: number };
}

export class RunResources {
  private readonly emulators = new Set<EmulatorProcess>();
  private readonly instances = new Set<string>();

  constructor(private readonly docker: BenchDocker) {}

  track(emulator: EmulatorProcess): void {
    this.emulators.add(emulator);
    if (emulator.instanceId) this.instances.add(emulator.instanceId);
  }

  get instanceIds(): string[] {
    return [...this.instances];
  }

  /** Stops the given emulators (all tracked ones by default), in parallel. */
  async stopEmulators(which: Iterable<EmulatorProcess> = this.emulators): Promise<void> {
    await Promise.all([...which].map((emulator) => emulator.stop()));
  }

  /** Removes the benchmark's baseline containers (not its network, which later scenarios reuse). */
  async sweepBaselines(): Promise<number> {
    return this.docker.sweepContainers([this.docker.labelFilter]);
  }

  private selectors(): string[][] {
    return [[this.docker.labelFilter], ...[...this.instances].map((instance) => [`${LABELS.instance}=${instance}`])];
  }

  /**
   * The final sweep: stop every emulator, then remove by label whatever is left. `emulators` counts
   * what the emulators' own shutdown left behind (0 when it worked); `bench` what the benchmark
   * itself made (its baseline network, and baseline containers a failed scenario left). A network
   * whose last container the engine is still removing refuses removal, so networks get a few tries.
   */
  async sweepAll(): Promise<SweepCounts> {
    await this.stopEmulators();
    const counts: SweepCounts = { bench: { containers: 0, networks: 0 }, emulators: { containers: 0, networks: 0 } };
    const selectors = this.selectors();
    for (const [index, labels] of selectors.entries()) {
      (index === 0 ? counts.bench : counts.emulators).containers += await this.docker.sweepContainers(labels);
    }
    for (let attempt = 0; attempt < 5; attempt++) {
      for (const [index, labels] of selectors.entries()) {
        (index === 0 ? counts.bench : counts.emulators).networks += await this.docker.sweepNetworks(labels);
      }
      if ((await this.leftover()).length === 0) break;
      await sleep(1000);
    }
    return counts;
  }

  /** Containers and networks of the run still on the engine, by name (none after a complete sweep). */
  async leftover(): Promise<string[]> {
    const left: string[] = [];
    for (const labels of this.selectors()) {
      const containers = await this.docker.api.listContainers({ all: true, filters: { label: labels } });
      const networks = await this.docker.api.listNetworks({ filters: { label: labels } });
      left.push(...containers.map((c) => `container ${(c.Names[0] ?? c.Id).replace(/^\//, '')}`));
      left.push(...networks.map((n) => `network ${n.Name}`));
    }
    return left;
  }
}
