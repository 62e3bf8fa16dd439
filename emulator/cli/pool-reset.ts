import { resolve } from 'node:path';
import { isLiveElsewhere, readInstanceFile } from '../host/instance-file.js';
import { resetStoredPools } from '../store/reset.js';
import { defaultDataDir } from './data-dir.js';
import { UsageError, parseFlags, stringFlag } from './pool-args.js';
import { processIo, runCommand, type CliIo } from './pool-output.js';

export const RESET_USAGE = `Usage: sessionite reset [--data-dir <dir>]
  Forgets every pool created at run time (ARM, CLI, dashboard) and its stored secrets, in the OS
  keychain and in <data-dir>/secrets.json. Pools of a --config file are not stored, so they are not
  affected. The emulator using the folder must be stopped ('sessionite start --reset' does both).
`;

/** `sessionite reset`; resolves with the exit code. */
export async function resetCommand(argv: readonly string[], io: CliIo = processIo): Promise<number> {
  return runCommand(io, RESET_USAGE, argv, async () => {
    const { values, positionals } = parseFlags(argv, { 'data-dir': { type: 'string' } });
    if (positionals.length > 0) throw new UsageError(`unexpected argument '${positionals[0] ?? ''}'`);
    const dataDir = resolve(stringFlag(values, 'data-dir') ?? defaultDataDir());
    const running = await readInstanceFile(dataDir);
    // Resetting under a live emulator would be undone by its next save, and would pull secrets
    // from under pools it is running.
    if (running && isLiveElsewhere(running)) {
      throw new Error(`an emulator (pid ${running.pid}) is using ${dataDir}; stop it first, or restart it with 'sessionite start --reset'`);
    }
    const { pools } = await resetStoredPools(dataDir);
    io.out(pools.length === 0 ? 'No stored pools.\n' : `Forgot ${pools.length} stored pool(s): ${pools.join(', ')}\n`);
  });
}
