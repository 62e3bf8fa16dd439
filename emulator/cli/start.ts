import { parseArgs } from 'node:util';
import {
  START_FLAGS,
  createHostedEmulator,
  hostSettingsFromFlags,
  readyLine,
  stopOnSignals,
} from '../host/hosted.js';
import { defaultDataDir } from './data-dir.js';

export { defaultDataDir };

/**
 * `sessionite start`: a thin host. It loads the config, constructs the Emulator, prints exactly one
 * JSON line on stdout once the emulator listens, and stops it cleanly on SIGINT/SIGTERM. Everything
 * else (progress, warnings) goes to stderr so stdout stays machine-readable. The construction steps
 * are shared with the desktop app (`emulator/host/hosted.ts`), whose `--headless` prints the same line.
 */
export async function startCommand(argv: string[]): Promise<void> {
  const { values } = parseArgs({ args: argv, options: START_FLAGS, strict: true });
  const settings = hostSettingsFromFlags(values, {
    host: '127.0.0.1',
    port: 8080,
    httpsPort: 0,
    dataDir: defaultDataDir(),
  });
  const log = (line: string): void => {
    process.stderr.write(`sessionite: ${line}\n`);
  };
  const { emulator } = await createHostedEmulator(settings, { log });
  const ready = await emulator.start();
  const stopped = stopOnSignals(emulator, log);
  process.stdout.write(readyLine(ready));
  const code = await stopped;
  if (code !== 0) process.exitCode = code;
}
