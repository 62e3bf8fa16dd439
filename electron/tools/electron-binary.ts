import { accessSync, constants, existsSync } from 'node:fs';
import { createRequire } from 'node:module';

/**
 * Whether the Electron binary is installed. The `electron` npm package downloads it in its install
 * step, which fails (or is skipped with ELECTRON_SKIP_BINARY_DOWNLOAD=1) on machines without internet;
 * the package is then present but `require('electron')` throws or names a missing file. The smoke test
 * skips with `reason`, and `npm run dist`/`npm run dev` stop with it.
 */
export type ElectronBinary = { path: string; reason?: undefined } | { path?: undefined; reason: string };

const HOW_TO_FIX =
  'install it with network access (`node node_modules/electron/install.js`, or reinstall without ELECTRON_SKIP_BINARY_DOWNLOAD)';

export function findElectronBinary(resolveFrom: string = import.meta.url): ElectronBinary {
  const require = createRequire(resolveFrom);
  let path: unknown;
  try {
    path = require('electron');
  } catch (error) {
    const first = (error instanceof Error ? error.message : String(error)).split('\n')[0];
    return { reason: `the Electron binary is not installed (${first}); ${HOW_TO_FIX}` };
  }
  if (typeof path !== 'string' || !existsSync(path)) {
    return { reason: `the Electron binary is missing at ${String(path)}; ${HOW_TO_FIX}` };
  }
  try {
    accessSync(path, constants.X_OK);
  } catch {
    return { reason: `the Electron binary at ${path} is not executable` };
  }
  return { path };
}
