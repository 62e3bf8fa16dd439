import { resolve } from 'node:path';
import { parseArgs } from 'node:util';
import { START_FLAGS, type StartFlagValues } from '../../emulator/host/hosted.js';

/**
 * The app binary's command line. `--headless` and the flags of `sessionite start` (same names, same
 * validation: `emulator/host/hosted.ts`) plus `--user-data-dir`. Electron and Chromium put their own
 * switches and the app path into `process.argv` (`--inspect=…`, `--no-sandbox`, `-psn_…` on macOS),
 * so unknown options and positionals are ignored here instead of failing the launch.
 */
export interface AppArgs {
  headless: boolean;
  /** Replaces the app's user-data folder (settings, window state, the default data folder). */
  userDataDir?: string;
  /** The `sessionite start` flags as given; validated by `hostSettingsFromFlags`. */
  start: StartFlagValues;
  /** Ports given on the command line are binding; remembered ones fall back to 0 when taken. */
  explicitPorts: { http: boolean; https: boolean };
}

const APP_FLAGS = {
  ...START_FLAGS,
  headless: { type: 'boolean' },
  'user-data-dir': { type: 'string' },
} as const;

export function parseAppArgs(argv: readonly string[]): AppArgs {
  const { values } = parseArgs({
    args: [...argv],
    options: APP_FLAGS,
    strict: false,
    allowPositionals: true,
  });
  const start: StartFlagValues = {};
  for (const name of Object.keys(START_FLAGS) as (keyof typeof START_FLAGS)[]) {
    const value = values[name];
    if (typeof value === 'string' || typeof value === 'boolean') start[name] = value;
  }
  const userDataDir = values['user-data-dir'];
  if (userDataDir === true) throw new Error('--user-data-dir needs a value');
  return {
    headless: values.headless === true,
    ...(typeof userDataDir === 'string' ? { userDataDir: resolve(userDataDir) } : {}),
    start,
    explicitPorts: { http: start.port !== undefined, https: start['https-port'] !== undefined },
  };
}
