import { hostname } from 'node:os';
import { Router, type Express } from 'express';
import { API_PATH } from '../admin/contract.js';
import { createGuard, type GuardOptions } from '../admin/guard.js';
import type { Emulator, EmulatorExtension } from '../emulator.js';
import { DockerRuntime } from '../runtime/docker.js';
import type { ContainerRuntime } from '../runtime/types.js';
import { LogCapture, type CaptureOptions } from './capture.js';
import { PlatformRecorder } from './platform-events.js';
import { logsApiRouter } from './routes.js';
import { SessionWatch } from './session-watch.js';
import { LogStore, type RetentionOptions } from './store.js';
import { LogTail } from './tail.js';

export interface LogsExtensionOptions {
  dataDir: string;
  /**
   * The runtime whose containers are captured: the same one the Emulator was given. Default: a
   * DockerRuntime for the environment's engine (what the Emulator uses when it is given none).
   */
  runtime?: Pick<ContainerRuntime, 'logs' | 'isRunning'>;
  retention?: Partial<RetentionOptions>;
  capture?: Omit<CaptureOptions, 'runtime' | 'store'>;
  /**
   * Mount the routes at the admin API path (`/_sessionite/api/logs/…`) behind the admin API's guard,
   * built from these options (the admin extension's listen host and token). List this extension
   * before the admin extension, whose router answers 404 for paths it does not know. Without it,
   * nothing is mounted and the host embeds `router()` into the admin API itself.
   */
  adminAccess?: GuardOptions;
  log?: (line: string) => void;
}

export interface LogsExtension extends EmulatorExtension {
  readonly store: LogStore;
  readonly capture: LogCapture;
  /** The routes (`/logs/query`, `/logs/tail`, `/logs/stats`) without a guard, for the admin API's router. */
  router(): Router;
}

/**
 * Console logs and platform events: capture from session containers, the durable store in
 * `<dataDir>/logs/`, KQL queries and the live tail. One object per emulator; start loads the store
 * and begins capture, stop ends capture and writes what is pending.
 */
export function createLogsExtension(options: LogsExtensionOptions): LogsExtension {
  const warn = (line: string): void => options.log?.(`warning: ${line}`);
  const store = new LogStore({ dataDir: options.dataDir, retention: options.retention, warn });
  const runtime = options.runtime ?? new DockerRuntime();
  const capture = new LogCapture({ ...options.capture, runtime, store });
  const tail = new LogTail(store);
  let watch: SessionWatch | undefined;
  let unsubscribe: (() => void) | undefined;

  return {
    store,
    capture,
    router: () => logsApiRouter(store, tail),
    async start(emulator: Emulator) {
      await store.open();
      const recorder = new PlatformRecorder(store, (pool) => emulator.getPool(pool)?.spec, hostname());
      watch = new SessionWatch(emulator, capture, store);
      const current = watch;
      unsubscribe = emulator.events.subscribe((event) => {
        recorder.record(event);
        current.onEvent(event);
      });
      current.attachAll();
    },
    mount(app: Express) {
      if (!options.adminAccess) return;
      const guard = createGuard(options.adminAccess);
      const guarded = Router();
      guarded.use('/logs', guard.all, guard.api);
      guarded.use(logsApiRouter(store, tail));
      app.use(API_PATH, guarded);
    },
    async stop() {
      unsubscribe?.();
      unsubscribe = undefined;
      watch?.stop();
      tail.close();
      await capture.stop();
      await store.close();
    },
  };
}
