import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { Clock } from '../../emulator/clock.js';
import { Emulator, type AuthSettings, type EmulatorExtension } from '../../emulator/emulator.js';
import type { EngineLimits, PoolSpec } from '../../emulator/pool/spec.js';
import type { ContainerRuntime } from '../../emulator/runtime/types.js';

export interface Harness {
  emulator: Emulator;
  dataDir: string;
  /** URL under a pool endpoint, with `identifier` added when given. */
  url(pool: string, path?: string, identifier?: string): string;
  stop(): Promise<void>;
}

export async function startEmulator(options: {
  pools: PoolSpec[];
  runtime?: ContainerRuntime;
  clock?: Clock;
  limits?: Partial<EngineLimits>;
  extensions?: EmulatorExtension[];
  host?: string;
  /** Token checks are off unless a test is about them. */
  auth?: AuthSettings;
}): Promise<Harness> {
  const dataDir = await mkdtemp(join(tmpdir(), 'sessionite-test-'));
  const emulator = new Emulator({
    ...options,
    auth: options.auth ?? { mode: 'off' },
    dataDir,
    port: 0,
    shutdownTimeoutMs: 10_000,
  });
  await emulator.start();
  await emulator.runtimeReady();
  return {
    emulator,
    dataDir,
    url(pool, path = '/', identifier) {
      const u = new URL(emulator.poolEndpoint(pool) + path);
      if (identifier !== undefined) u.searchParams.set('identifier', identifier);
      return u.toString();
    },
    async stop() {
      await emulator.stop();
      await rm(dataDir, { recursive: true, force: true });
    },
  };
}

/** Resolves once `condition` holds, re-checking on every engine event (no polling, no sleeps). */
export function until(emulator: Emulator, condition: () => boolean, what = 'condition'): Promise<void> {
  if (condition()) return Promise.resolve();
  return new Promise((resolve, reject) => {
    const timer = setTimeout(() => {
      unsubscribe();
      reject(new Error(`timed out waiting for ${what}`));
    }, 50_000);
    const unsubscribe = emulator.events.subscribe(() => {
      // Check after the emitting code has finished its bookkeeping.
      queueMicrotask(() => {
        if (!condition()) return;
        clearTimeout(timer);
        unsubscribe();
        resolve();
      });
    });
  });
}

export function readyCount(emulator: Emulator, pool: string): number {
  return emulator.getPool(pool)?.counts().ready ?? 0;
}

export async function json(response: Response): Promise<Record<string, unknown>> {
  return (await response.json()) as Record<string, unknown>;
}
