import { existsSync, readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';

/**
 * Scenarios for features still being built (logs, recording) measure them through the real CLI, so
 * they run once the CLI serves the feature. Until then they report `pending` with the reason: the
 * feature's module is missing, or present but not yet wired into `sessionite start`.
 */

const root = fileURLToPath(new URL('../../', import.meta.url));
/** Where the CLI host assembles its extensions (compiled). */
const HOST_FILES = ['dist/emulator/host/hosted.js', 'dist/emulator/cli/start.js'];

export function featurePendingReason(feature: { module: string; factory: string; what: string }): string | undefined {
  if (!existsSync(root + feature.module)) return `waiting for ${feature.what} (${feature.module} is not in the tree yet)`;
  // Another CLI entry (SESSIONITE_BENCH_BIN) may serve it: the scenario then finds out over HTTP.
  if (process.env.SESSIONITE_BENCH_BIN) return undefined;
  const wired = HOST_FILES.some((file) => existsSync(root + file) && readFileSync(root + file, 'utf8').includes(feature.factory));
  if (!wired) return `${feature.what} exists (${feature.module}) but \`sessionite start\` does not mount it yet (no ${feature.factory} in ${HOST_FILES.join(' or ')})`;
  return undefined;
}
