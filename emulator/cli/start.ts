import { resolve } from 'node:path';
import { parseArgs } from 'node:util';
import { createAdminExtension } from '../admin/index.js';
import { loadConfigFile } from '../config/load-file.js';
import { Emulator, type AuthSettings } from '../emulator.js';
import type { AuthMode } from '../identity/index.js';
import { defaultDataDir } from './data-dir.js';
import type { EngineLimits, PoolSpec } from '../pool/spec.js';

export { defaultDataDir };

function parsePort(text: string): number {
  const port = Number(text);
  if (!Number.isInteger(port) || port < 0 || port > 65535) throw new Error(`--port must be 0–65535, got '${text}'`);
  return port;
}

function parseAuthMode(text: string | undefined): AuthMode | undefined {
  if (text === undefined) return undefined;
  if (text === 'strict' || text === 'basic' || text === 'off') return text;
  throw new Error(`--auth must be strict, basic or off, got '${text}'`);
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
      'https-port': { type: 'string', default: '0' },
      auth: { type: 'string' },
      'tls-cert': { type: 'string' },
      'tls-key': { type: 'string' },
    },
    strict: true,
  });
  if (Boolean(values['tls-cert']) !== Boolean(values['tls-key'])) {
    throw new Error('--tls-cert and --tls-key go together');
  }
  const authMode = parseAuthMode(values.auth);
  let pools: PoolSpec[] = [];
  let limits: Partial<EngineLimits> = {};
  let auth: AuthSettings = {};
  if (values.config) {
    const config = await loadConfigFile(resolve(values.config));
    pools = config.pools;
    limits = config.limits;
    auth = config.auth;
  }
  // The flag overrides the file's mode; a user certificate replaces the local CA's.
  if (authMode) auth = { ...auth, mode: authMode };
  if (values['tls-cert'] && values['tls-key']) {
    auth = { ...auth, userCert: { certPath: resolve(values['tls-cert']), keyPath: resolve(values['tls-key']) } };
  }
  const dataDir = resolve(values['data-dir'] ?? defaultDataDir());
  const emulator = new Emulator({
    pools,
    limits,
    dataDir,
    host: values.host,
    // The dashboard and its admin API under /_sessionite/ (token required when --host is not loopback).
    extensions: [createAdminExtension({ listenHost: values.host })],
    port: parsePort(values.port),
    httpsPort: parsePort(values['https-port']),
    auth,
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
