import type { SessionPoolArmView } from '../config/arm-view.js';
import { ArmError, ArmErrors } from './arm-errors.js';

/**
 * api-versions of `Microsoft.App/sessionPools`. Every one is served; so is any other well-formed version
 * (`YYYY-MM-DD` or `YYYY-MM-DD-preview`), with a warning, because a strict check breaks every client the
 * day its SDK moves to a new version (Azurite's most frequent complaint). Versions differ only in shape:
 *
 * - before 2025-01-01 the lifecycle was `dynamicPoolConfiguration: {executionType: "Timed",
 *   cooldownPeriodInSeconds}` (no OnContainerExit);
 * - 2024-02-02-preview named the registry `registryCredentials.registryServer`.
 *
 * Requests of any version may use either shape (the config schema accepts both); responses are written
 * in the shape of the request's version. An unknown version is answered in the shape of the closest
 * known version before it.
 */
export const KNOWN_API_VERSIONS = [
  '2024-02-02-preview',
  '2024-08-02-preview',
  '2024-10-02-preview',
  '2025-01-01',
  '2025-02-02-preview',
  '2025-07-01',
  '2025-10-02-preview',
  '2026-07-01',
] as const;

/** What the CLI sends and what the docs show. */
export const DEFAULT_API_VERSION = '2025-07-01';

export interface ApiVersion {
  value: string;
  known: boolean;
  /** The `YYYY-MM-DD` part; versions compare by it. */
  date: string;
}

export interface VersionShape {
  legacyLifecycle: boolean;
  registryServerField: boolean;
}

const WELL_FORMED = /^(\d{4})-(\d{2})-(\d{2})(-preview)?$/i;

export function parseApiVersion(raw: unknown): ApiVersion | ArmError {
  if (raw === undefined || raw === '') return ArmErrors.missingApiVersion();
  const supported = KNOWN_API_VERSIONS;
  if (typeof raw !== 'string') return ArmErrors.invalidApiVersion(Array.isArray(raw) ? raw.join(',') : 'the given value', supported);
  const match = WELL_FORMED.exec(raw);
  if (!match || !isCalendarDate(Number(match[1]), Number(match[2]), Number(match[3]))) {
    return ArmErrors.invalidApiVersion(raw, supported);
  }
  const value = raw.toLowerCase();
  return {
    value,
    known: (supported as readonly string[]).includes(value),
    date: value.slice(0, 10),
  };
}

function isCalendarDate(year: number, month: number, day: number): boolean {
  const date = new Date(Date.UTC(year, month - 1, day));
  return date.getUTCFullYear() === year && date.getUTCMonth() === month - 1 && date.getUTCDate() === day;
}

export function shapeOf(version: ApiVersion): VersionShape {
  return { legacyLifecycle: version.date < '2025-01-01', registryServerField: version.date < '2024-08-02' };
}

type Json = Record<string, unknown>;

function isObject(value: unknown): value is Json {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

/** The current-shape view rewritten for an older api-version. */
export function viewForVersion(view: SessionPoolArmView, shape: VersionShape): Json {
  const out = JSON.parse(JSON.stringify(view)) as Json & { properties: Json };
  const lifecycle = view.properties.dynamicPoolConfiguration.lifecycleConfiguration;
  // OnContainerExit has no legacy spelling; such a pool keeps the current shape even for old versions.
  if (shape.legacyLifecycle && lifecycle.lifecycleType === 'Timed') {
    out.properties.dynamicPoolConfiguration = {
      executionType: 'Timed',
      cooldownPeriodInSeconds: lifecycle.cooldownPeriodInSeconds,
    };
  }
  const template = out.properties.customContainerTemplate;
  const registry = isObject(template) ? template.registryCredentials : undefined;
  if (shape.registryServerField && isObject(template) && isObject(registry)) {
    const { server, ...rest } = registry;
    template.registryCredentials = { registryServer: server, ...rest };
  }
  return out;
}

/**
 * Rewrites the old spellings of a request body into the current ones (a copy; the input is untouched).
 * PATCH needs it before merging into the stored, current-shape definition, where an old-shape patch
 * would otherwise end up mixed with the current fields.
 */
export function upgradeBody(body: unknown): unknown {
  if (!isObject(body) || !isObject(body.properties)) return body;
  const out = JSON.parse(JSON.stringify(body)) as Json & { properties: Json };
  const dynamic = out.properties.dynamicPoolConfiguration;
  if (isObject(dynamic) && dynamic.lifecycleConfiguration == null && ('executionType' in dynamic || 'cooldownPeriodInSeconds' in dynamic)) {
    const { executionType: _executionType, cooldownPeriodInSeconds, ...rest } = dynamic;
    const lifecycle: Json = { lifecycleType: 'Timed' };
    if (cooldownPeriodInSeconds !== undefined) lifecycle.cooldownPeriodInSeconds = cooldownPeriodInSeconds;
    out.properties.dynamicPoolConfiguration = { ...rest, lifecycleConfiguration: lifecycle };
  }
  const template = out.properties.customContainerTemplate;
  const registry = isObject(template) ? template.registryCredentials : undefined;
  if (isObject(template) && isObject(registry) && 'registryServer' in registry) {
    const { registryServer, ...rest } = registry;
    template.registryCredentials = { ...rest, server: rest.server ?? registryServer };
  }
  return out;
}
