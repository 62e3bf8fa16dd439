import { homedir } from 'node:os';
import { join, resolve } from 'node:path';
import { parseArgs } from 'node:util';
import { loadConfigFile } from '../config/load-file.js';
import { Emulator } from '../emulator.js';
import type { EngineLimits, PoolSpec } from '../pool/spec.js';

export function defaultDataDir(): string {
  return process.env.SESSIONITE_DATA_DIR ?? join(homedir(), '.sessionite');
}

function parsePort(text: string): number {
  const port = Number(text);
  if (!Number.isInteger(port) || port < 0 || port > 65535) throw new Error(`--port must be 0–65535, got '${text}'`);
  return port;
}

/**
 * `sessionite start`: a thin host. It loads the config, constructs the Emulator, prints exactly one
 * JSON line on stdout once the emulator listens, and stops it cleanly on SIGINT/SIGTERM. Everything
 * else (progress, warnings) goes to stderr so stdout stays machine-readable.
 */
export async function startCommand(argv: string[]): Promise<void> {
  const { values } = parseArgs({
    args: argv,
    options: {
      config: { type: 'string' },
      port: { type: 'string', default: '8080' },
      host: { type: 'string', default: '127.0.0.1' },
      'data-dir': { type: 'string' },
    },
    strict: true,
  });
  let pools: PoolSpec[] = [];
  let limits: Partial<EngineLimits> = {};
  if (values.config) {
    const config = await loadConfigFile(resolve(values.config));
    pools = config.pools;
    limits = config.limits;
  }
  const emulator = new Emulator({
    pools,
    limits,
    dataDir: resolve(values['data-dir'] ?? defaultDataDir()),
    host: values.host,
    port: parsePort(values.port),
    log: (line) => process.stderr.write(`sessionite: ${line}\n`),
  });
  const ready = await emulator.start();
  process.stdout.write(JSON.stringify(ready) + '\n');
  await new Promise<void>((done) => {
    const shutdown = (signal: string): void => {
      process.stderr.write(`sessionite: ${signal} received, stopping\n`);
      emulator.stop().then(done, (error: unknown) => {
        process.stderr.write(`sessionite: shutdown failed: ${String(error)}\n`);
        process.exitCode = 1;
        done();
      });
    };
    process.once('SIGINT', () => shutdown('SIGINT'));
    process.once('SIGTERM', () => shutdown('SIGTERM'));
  });
}
