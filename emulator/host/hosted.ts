import { resolve } from 'node:path';
import { createAdminExtension, type AdminExtension, type AdminOptions } from '../admin/index.js';
import { loadConfigFile } from '../config/load-file.js';
import { Emulator, type AuthSettings, type ReadyInfo } from '../emulator.js';
import { createLogsExtension } from '../logs/index.js';
import { createArmExtension } from '../arm/index.js';
import { PoolPersistence } from '../store/persistence.js';
import { createTrafficExtension, type TrafficExtension } from '../traffic/index.js';
import { DockerRuntime } from '../runtime/docker.js';
import type { AuthMode } from '../identity/index.js';
import type { EngineLimits, PoolSpec } from '../pool/spec.js';

/**
 * What every host (the `sessionite start` CLI, the desktop app and its `--headless` mode) does to turn
 * command-line flags into a running Emulator. Hosts differ only in their defaults (the CLI listens on
 * 8080 with `~/.sessionite`; the app uses its remembered ports and its own data folder) and in what
 * they do around the emulator (print a ready line, open a window).
 */

/** The flags of `sessionite start`, for `node:util` parseArgs (no defaults: each host brings its own). */
export const START_FLAGS = {
  config: { type: 'string' },
  port: { type: 'string' },
  host: { type: 'string' },
  'data-dir': { type: 'string' },
  'https-port': { type: 'string' },
  auth: { type: 'string' },
  'tls-cert': { type: 'string' },
  'tls-key': { type: 'string' },
  /** Forget every stored pool (and its secrets) before starting. */
  reset: { type: 'boolean' },
} as const;

export type StartFlag = keyof typeof START_FLAGS;

/** Parsed flag values; `true` appears when a non-strict parse met a string flag without a value. */
export type StartFlagValues = Partial<Record<StartFlag, string | boolean>>;

export interface HostSettings {
  configPath?: string;
  host: string;
  port: number;
  httpsPort: number;
  dataDir: string;
  authMode?: AuthMode;
  userCert?: { certPath: string; keyPath: string };
  reset?: boolean;
}

export interface HostDefaults {
  host: string;
  port: number;
  httpsPort: number;
  dataDir: string;
}

export function parsePort(text: string, flag = '--port'): number {
  const port = Number(text);
  if (text.trim() === '' || !Number.isInteger(port) || port < 0 || port > 65535) {
    throw new Error(`${flag} must be 0–65535, got '${text}'`);
  }
  return port;
}

export function parseAuthMode(text: string | undefined): AuthMode | undefined {
  if (text === undefined) return undefined;
  if (text === 'strict' || text === 'basic' || text === 'off') return text;
  throw new Error(`--auth must be strict, basic or off, got '${text}'`);
}

function flag(values: StartFlagValues, name: StartFlag): string | undefined {
  const value = values[name];
  if (value === true) throw new Error(`--${name} needs a value`);
  return typeof value === 'string' ? value : undefined;
}

/** Validates the flags and fills in the host's defaults. Throws with the message a user should see. */
export function hostSettingsFromFlags(values: StartFlagValues, defaults: HostDefaults): HostSettings {
  const certPath = flag(values, 'tls-cert');
  const keyPath = flag(values, 'tls-key');
  if (Boolean(certPath) !== Boolean(keyPath)) throw new Error('--tls-cert and --tls-key go together');
  const port = flag(values, 'port');
  const httpsPort = flag(values, 'https-port');
  const config = flag(values, 'config');
  const dataDir = flag(values, 'data-dir');
  return {
    ...(config ? { configPath: resolve(config) } : {}),
    host: flag(values, 'host') ?? defaults.host,
    port: port === undefined ? defaults.port : parsePort(port, '--port'),
    httpsPort: httpsPort === undefined ? defaults.httpsPort : parsePort(httpsPort, '--https-port'),
    dataDir: resolve(dataDir ?? defaults.dataDir),
    authMode: parseAuthMode(flag(values, 'auth')),
    ...(certPath && keyPath ? { userCert: { certPath: resolve(certPath), keyPath: resolve(keyPath) } } : {}),
    ...(values.reset === true ? { reset: true } : {}),
  };
}

export interface HostWiring {
  /** Progress and warnings (the CLI writes them to stderr). */
  log: (line: string) => void;
  /** Admin API options beyond the listen address (the desktop app requires the token, names the renderer). */
  admin?: Omit<AdminOptions, 'listenHost'>;
}

export interface HostedEmulator {
  emulator: Emulator;
  admin: AdminExtension;
  /** Request recording (pause/resume at run time with `setEnabled`, or the admin API). */
  traffic: TrafficExtension;
}

/** Loads the config file (if any) and constructs the Emulator with the admin API; does not start it. */
export async function createHostedEmulator(
  settings: HostSettings,
  wiring: HostWiring,
): Promise<HostedEmulator> {
  let pools: PoolSpec[] = [];
  let limits: Partial<EngineLimits> = {};
  let auth: AuthSettings = {};
  if (settings.configPath) {
    const config = await loadConfigFile(settings.configPath);
    pools = config.pools;
    limits = config.limits;
    auth = config.auth;
  }
  // The flag overrides the file's mode; a user certificate replaces the local CA's.
  if (settings.authMode) auth = { ...auth, mode: settings.authMode };
  if (settings.userCert) auth = { ...auth, userCert: settings.userCert };
  // Pools created at run time are stored in the data folder; ARM and the dashboard write through the
  // same validation. Persistence starts first: pools present when it starts are the config file's.
  const persistence = new PoolPersistence({ dataDir: settings.dataDir, log: wiring.log, reset: settings.reset });
  const arm = createArmExtension({ persistence, log: wiring.log });
  // Request recording: its tap must see every route mounted after it (token, ARM, data plane), so it
  // comes first; its API is served by the admin API under /_sessionite/api/requests, behind its guard,
  // and new records reach the dashboard through the admin event stream.
  const traffic = createTrafficExtension({ dataDir: settings.dataDir, log: wiring.log, serveApi: false });
  // The dashboard and its admin API under /_sessionite/ (token required when not on loopback).
  const admin = createAdminExtension({
    ...wiring.admin,
    routes: [traffic.adminRoutes, ...(wiring.admin?.routes ?? [])],
    requests: traffic,
    listenHost: settings.host,
    pools: arm.poolWriter,
    features: {
      ...wiring.admin?.features,
      logs: { available: true },
      requests: { available: true },
      arm: { available: true },
    },
  });
  // Console logs and platform events under /_sessionite/api/logs, behind the admin API's guard;
  // listed before the admin extension, whose router answers every other path under it.
  const runtime = new DockerRuntime();
  const logs = createLogsExtension({
    dataDir: settings.dataDir,
    runtime,
    log: wiring.log,
    adminAccess: {
      listenHost: settings.host,
      token: admin.token,
      requireToken: admin.tokenRequired,
      allowedHosts: wiring.admin?.allowedHosts,
      allowedOrigins: wiring.admin?.allowedOrigins,
    },
  });
  const emulator = new Emulator({
    runtime,
    pools,
    limits,
    dataDir: settings.dataDir,
    host: settings.host,
    extensions: [traffic, persistence, arm, logs, admin],
    port: settings.port,
    httpsPort: settings.httpsPort,
    auth,
    log: wiring.log,
  });
  return { emulator, admin, traffic };
}

/** The one JSON line a headless host prints on stdout once the emulator listens. */
export function readyLine(ready: ReadyInfo): string {
  return JSON.stringify(ready) + '\n';
}

/**
 * Resolves once SIGINT or SIGTERM arrived and the emulator stopped (containers removed within its
 * shutdown bound). Resolves with the exit code a host should use. Call it before printing the ready
 * line: a supervisor may send SIGTERM the moment it reads that line, and the handlers must be there.
 */
export function stopOnSignals(emulator: Emulator, log: (line: string) => void): Promise<number> {
  return new Promise((done) => {
    const shutdown = (signal: string): void => {
      log(`${signal} received, stopping`);
      emulator.stop().then(
        () => done(0),
        (error: unknown) => {
          log(`shutdown failed: ${String(error)}`);
          done(1);
        },
      );
    };
    process.once('SIGINT', () => shutdown('SIGINT'));
    process.once('SIGTERM', () => shutdown('SIGTERM'));
  });
}
