import type { DynamicPoolConfiguration, LifecycleType, SessionPoolProperties } from './arm-schema.js';

/**
 * Defaults and bounds of a session pool, shared by `validate.ts` (which checks the effective values)
 * and `normalize.ts` (which applies them), so both always agree.
 */

/**
 * Defaults as `az containerapp sessionpool create` applies them (`containerapp_sessionpool_decorator.py`
 * in Azure/azure-cli-extensions) where the CLI sets one; the others are marked.
 */
export const POOL_DEFAULTS = {
  /** az: `PythonLTS`. Sessionite runs custom containers only, so an omitted type means `CustomContainer`. */
  containerType: 'CustomContainer',
  poolManagementType: 'Dynamic',
  cooldownPeriodInSeconds: 300,
  maxAlivePeriodInSeconds: 3600,
  maxConcurrentSessions: 10,
  /** az sends 5; Sessionite lowers it to `maxConcurrentSessions - 1` when the pool is smaller (see `effectiveScale`). */
  readySessionInstances: 5,
  networkStatus: 'EgressDisabled',
  /** az sends no resources when --cpu/--memory are omitted; Sessionite uses the smallest Container Apps size. */
  cpu: 0.25,
  memoryBytes: 0.5 * 2 ** 30,
  probe: {
    failureThreshold: 3,
    periodSeconds: 10,
    timeoutSeconds: 1,
    initialDelaySeconds: 0,
    successThreshold: 1,
  },
} as const;

export interface Bounds {
  min: number;
  max: number;
}

export const POOL_BOUNDS = {
  /** The reference (§1): 300–3600 s. */
  cooldownPeriodInSeconds: { min: 300, max: 3600 },
  /**
   * UNSURE: the reference gives no range. The lower bound mirrors the cooldown's; the upper bound is one day,
   * generous for local use while still catching unit mistakes (milliseconds written as seconds).
   */
  maxAlivePeriodInSeconds: { min: 300, max: 86_400 },
  /**
   * UNSURE: the real per-pool maximum is not documented in the reference. 1000 guards the local machine
   * against typos that would let a client start tens of thousands of containers.
   */
  maxConcurrentSessions: { min: 1, max: 1000 },
  /** az `--cpu` help: "Required CPU in cores from 0.25 - 2.0". No step is enforced (none is documented). */
  cpu: { min: 0.25, max: 2 },
  /** az `--memory` help: "Required memory from 0.5 - 4.0 ending with Gi". */
  memoryBytes: { min: 0.5 * 2 ** 30, max: 4 * 2 ** 30 },
  port: { min: 1, max: 65_535 },
  /** Probe bounds from the SessionProbe descriptions in the 2025-10-02-preview spec. */
  failureThreshold: { min: 1, max: 10 },
  /** The spec says 1–60, but the default when omitted is 0, so 0 is accepted too. */
  initialDelaySeconds: { min: 0, max: 60 },
  periodSeconds: { min: 1, max: 240 },
  timeoutSeconds: { min: 1, max: 240 },
  /** Spec: "Must be 1 for liveness and startup". */
  successThreshold: { min: 1, max: 1 },
  terminationGracePeriodSeconds: { min: 0, max: 3600 },
} satisfies Record<string, Bounds>;

export function withinBounds(value: number, bounds: Bounds): boolean {
  return value >= bounds.min && value <= bounds.max;
}

export interface EffectiveScale {
  maxConcurrentSessions: number;
  readySessionInstances: number;
}

/**
 * The scale a pool runs with. When `readySessionInstances` is omitted it defaults to 5, lowered to
 * `maxConcurrentSessions - 1` for smaller pools so that `ready < max` holds without the user having to
 * restate a value they never wrote (what the service does with an omitted value is not documented).
 */
export function effectiveScale(properties: SessionPoolProperties): EffectiveScale {
  const scale = properties.scaleConfiguration;
  const maxConcurrentSessions = scale?.maxConcurrentSessions ?? POOL_DEFAULTS.maxConcurrentSessions;
  const readySessionInstances =
    scale?.readySessionInstances ??
    Math.min(POOL_DEFAULTS.readySessionInstances, Math.max(maxConcurrentSessions - 1, 0));
  return { maxConcurrentSessions, readySessionInstances };
}

export interface EffectiveLifecycle {
  type: LifecycleType;
  /** Cooldown (Timed) or maximum alive period (OnContainerExit), in seconds. */
  seconds: number;
  /** ARM path of the field that holds `seconds`, for error messages. */
  secondsPath: string;
  shape: 'current' | 'legacy';
}

const DYNAMIC = 'properties.dynamicPoolConfiguration';

/**
 * The lifecycle a pool runs with. An omitted `lifecycleType` is inferred as the az CLI does: a cooldown
 * means Timed, a max-alive period means OnContainerExit, neither means Timed. The legacy shape
 * (`executionType` + `cooldownPeriodInSeconds`, before 2025-01-01) is always Timed.
 */
export function effectiveLifecycle(config: DynamicPoolConfiguration | null | undefined): EffectiveLifecycle {
  const current = config?.lifecycleConfiguration;
  if (!current && (config?.executionType != null || config?.cooldownPeriodInSeconds != null)) {
    return {
      type: 'Timed',
      seconds: config.cooldownPeriodInSeconds ?? POOL_DEFAULTS.cooldownPeriodInSeconds,
      secondsPath: `${DYNAMIC}.cooldownPeriodInSeconds`,
      shape: 'legacy',
    };
  }
  const type =
    current?.lifecycleType ??
    (current?.cooldownPeriodInSeconds == null && current?.maxAlivePeriodInSeconds != null
      ? 'OnContainerExit'
      : 'Timed');
  if (type === 'Timed') {
    return {
      type,
      seconds: current?.cooldownPeriodInSeconds ?? POOL_DEFAULTS.cooldownPeriodInSeconds,
      secondsPath: `${DYNAMIC}.lifecycleConfiguration.cooldownPeriodInSeconds`,
      shape: 'current',
    };
  }
  return {
    type,
    seconds: current?.maxAlivePeriodInSeconds ?? POOL_DEFAULTS.maxAlivePeriodInSeconds,
    secondsPath: `${DYNAMIC}.lifecycleConfiguration.maxAlivePeriodInSeconds`,
    shape: 'current',
  };
}

const MEMORY_UNITS: Record<string, number> = {
  ki: 2 ** 10,
  k: 2 ** 10,
  kb: 2 ** 10,
  mi: 2 ** 20,
  m: 2 ** 20,
  mb: 2 ** 20,
  gi: 2 ** 30,
  g: 2 ** 30,
  gb: 2 ** 30,
};

/**
 * Parses "0.5Gi", "512Mi", "1G", "250Mb" into bytes. Every unit is binary, as in Docker's `--memory 1g`:
 * users who write "1G" for a session mean the same as "1Gi", and the service's own examples mix "Gi" and
 * "Mb". A unit is required (a bare number is ambiguous). Returns undefined when the string is not a quantity.
 */
export function parseMemory(quantity: string): number | undefined {
  const match = /^\s*(\d+(?:\.\d+)?|\.\d+)\s*([a-zA-Z]+)\s*$/.exec(quantity);
  if (!match) return undefined;
  const unit = MEMORY_UNITS[(match[2] ?? '').toLowerCase()];
  if (unit === undefined) return undefined;
  return Math.round(Number(match[1]) * unit);
}

/** Formats bytes the way ARM returns memory: "0.5Gi", "1Gi", or "768Mi" when not a clean Gi fraction. */
export function formatMemory(bytes: number): string {
  const gi = bytes / 2 ** 30;
  if (Number.isInteger(gi * 4)) return `${gi}Gi`;
  const mi = bytes / 2 ** 20;
  return Number.isInteger(mi) ? `${mi}Mi` : `${Math.round(bytes / 2 ** 10)}Ki`;
}
