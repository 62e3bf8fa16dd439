import { mkdtemp } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { build } from 'vite';
import { rendererConfig } from '../../../renderer/vite.config.js';

/** Builds the current renderer sources into a temporary folder, so the tests never run a stale dist/. */
export async function buildRenderer(): Promise<string> {
  const outDir = await mkdtemp(join(tmpdir(), 'sessionite-renderer-'));
  await build({
    ...rendererConfig(outDir),
    configFile: false,
    logLevel: 'warn',
    build: { ...rendererConfig(outDir).build, sourcemap: false },
  });
  return outDir;
}
