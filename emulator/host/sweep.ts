import type { ContainerRuntime } from '../runtime/types.js';

export interface SweepOptions {
  runtime: ContainerRuntime;
  /** The labels every container and network of this run carries. */
  labels: Record<string, string>;
  /** Epoch ms by which the sweep returns, finished or not. */
  deadline: number;
  /** The pools' own disposal: the sweep starts after it, so it never races their removals. */
  disposed: Promise<unknown>;
  /** False when the emulator was started again meanwhile: its networks are in use once more. */
  stillStopping(): boolean;
  log(line: string): void;
}

/**
 * Force-removes by label whatever the pools left, then this run's networks (which refuse removal while
 * any container is attached, so they go last). Returns by `deadline`; a sweep the engine has not
 * finished by then carries on for as long as this process lives (the desktop app, tests), and what a
 * process exit cuts short is removed by the next start's reaper.
 */
export async function sweepRun(options: SweepOptions): Promise<void> {
  const { runtime, labels, deadline } = options;
  const sweep = (async () => {
    await options.disposed.catch(() => undefined);
    const left = await runtime.listOwned(labels);
    // remove() joins removals already under way, so this resolves once every container is gone.
    await Promise.all(left.map((c) => runtime.remove(c.id)));
    if (!options.stillStopping()) return;
    await runtime.removeNetworks(labels, { deadline: Math.max(deadline, Date.now() + 2000) });
  })();
  const settled = sweep.then(
    () => true,
    (error: unknown) => {
      options.log(`warning: cleanup incomplete (${String(error)}); the next start reaps the rest`);
      return true;
    },
  );
  const late = new Promise<false>((resolve) => setTimeout(() => resolve(false), Math.max(0, deadline - Date.now())).unref());
  if (await Promise.race([settled, late])) return;
  const left = await runtime.listOwned(labels).catch(() => []);
  options.log(
    `warning: the shutdown deadline passed before the engine had removed this run's containers (${left.length} left) and networks; removal continues while this process runs, and the next start reaps what is left`,
  );
}
