import type { Emulator, EmulatorExtension } from '../emulator.js';
import type { PoolPersistence } from '../store/persistence.js';
import { bearerAuthorizer, type ArmAuthorize } from './auth.js';
import { OperationTracker } from './operations.js';
import { armPoolWriter, type ArmPoolWriter } from './pool-writer.js';
import { SessionPoolService } from './pool-service.js';
import { createArmRouter } from './routes.js';

export interface ArmExtensionOptions {
  /**
   * Checks every ARM request. Default: the emulator's own identity (`verifyArm`: a bearer token for
   * `https://management.azure.com` or the emulator's origin). Tests may pass any function.
   */
  authorize?: ArmAuthorize;
  /** Stores pools created at run time; without it they last until the emulator stops. */
  persistence?: PoolPersistence;
  log?: (line: string) => void;
  /** Location of pools whose body names none. Default `local` (the config file's default). */
  defaultLocation?: string;
  /** A create/update still running after this long fails with `OperationTimedOut`. Default 10 minutes. */
  operationTimeoutMs?: number;
  /** How long finished operations stay pollable. Default one hour. */
  operationRetentionMs?: number;
  /** `Retry-After` on every polling response. Default 1 second. */
  retryAfterSeconds?: number;
}

export interface ArmExtension extends EmulatorExtension {
  /** The dashboard's pool writer backed by the same rules, persistence and operations as ARM. */
  poolWriter: (emulator: Emulator) => ArmPoolWriter;
}

/**
 * The ARM control plane for `Microsoft.App/sessionPools` as an emulator extension:
 *
 *   const persistence = new PoolPersistence({ dataDir, log, reset });
 *   const arm = createArmExtension({ persistence, log });
 *   new Emulator({ …, extensions: [persistence, arm, createAdminExtension({ …, pools: arm.poolWriter })] })
 *
 * Stored pools are restored in `persistence.start`, which every extension runs before the emulator
 * listens, so no request can see the emulator without them.
 */
export function createArmExtension(options: ArmExtensionOptions = {}): ArmExtension {
  const log = options.log ?? (() => undefined);
  let state: { emulator: Emulator; operations: OperationTracker; service: SessionPoolService } | undefined;
  const ensure = (emulator: Emulator): NonNullable<typeof state> => {
    if (state?.emulator === emulator) return state;
    state?.operations.detach();
    const operations = new OperationTracker(emulator, {
      timeoutMs: options.operationTimeoutMs ?? 600_000,
      retentionMs: options.operationRetentionMs ?? 3_600_000,
    });
    operations.attach();
    const service = new SessionPoolService({
      emulator,
      operations,
      persistence: options.persistence,
      defaultLocation: options.defaultLocation ?? 'local',
      log,
    });
    state = { emulator, operations, service };
    return state;
  };
  return {
    mount(app, emulator) {
      const { operations, service } = ensure(emulator);
      const authorize =
        options.authorize ??
        bearerAuthorizer((header, origin) =>
          emulator.identity.verifyArm(header, origin, { authorityOrigin: emulator.httpsUrl ?? origin }),
        );
      app.use(
        createArmRouter({
          emulator,
          service,
          operations,
          authorize,
          retryAfterSeconds: options.retryAfterSeconds ?? 1,
          log,
        }),
      );
    },
    poolWriter: (emulator) => armPoolWriter(ensure(emulator).service),
    async stop() {
      state?.operations.detach();
      state = undefined;
    },
  };
}

export { bearerAuthorizer, type ArmAuthorize, type BearerCheck } from './auth.js';
export { KNOWN_API_VERSIONS, DEFAULT_API_VERSION } from './api-version.js';
