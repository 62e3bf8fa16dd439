import type { ContainerTemplate, Lifecycle, PoolSpec, ProbeSpec } from '../pool/spec.js';
import type { RegistryCredentials } from '../runtime/types.js';
import type { SessionContainer, SessionPoolResource, SessionProbe } from './arm-schema.js';
import { POOL_DEFAULTS, effectiveLifecycle, effectiveScale, parseMemory } from './pool-rules.js';
import { checkSessionPool } from './validate.js';
import type { ValidationIssue } from './issues.js';

import { rememberDefinition } from './arm-view.js';

export {
  definitionOf,
  poolSpecToArmResource,
  type ArmViewOptions,
  type SessionPoolArmView,
  type SessionPoolProvisioningState,
} from './arm-view.js';

/**
 * Translates a validated ARM definition into the engine's `PoolSpec`: defaults applied (see
 * `pool-rules.ts`), the legacy lifecycle shape translated, secrets resolved into env values and the
 * registry password. Only secret *names* stay visible (`secretNames`).
 */

export interface PoolPlacement {
  subscriptionId: string;
  resourceGroup: string;
  /** Used when the definition has no `location`. */
  location: string;
}

/** Validates and normalises in one step: what the ARM control plane does with a PUT body. */
export function sessionPoolToSpec(
  body: unknown,
  name: string,
  placement: PoolPlacement,
): { ok: true; spec: PoolSpec; definition: SessionPoolResource } | { ok: false; issues: ValidationIssue[] } {
  const checked = checkSessionPool(body, name);
  if (!checked.ok) return checked;
  return { ok: true, spec: normalizeSessionPool(checked.pool, name, placement), definition: checked.pool };
}

/** Expects a definition that passed `checkSessionPool`; throws on one that did not. */
export function normalizeSessionPool(
  pool: SessionPoolResource,
  name: string,
  placement: PoolPlacement,
): PoolSpec {
  const properties = pool.properties;
  const template = properties.customContainerTemplate;
  const container = template?.containers?.[0];
  const targetPort = template?.ingress?.targetPort;
  if (!container || targetPort == null) {
    throw new Error(`normalizeSessionPool: pool '${name}' was not validated (no container or target port)`);
  }
  const secrets = new Map((properties.secrets ?? []).map((secret) => [secret.name, secret.value ?? '']));
  const scale = effectiveScale(properties);
  const spec: PoolSpec = {
    name,
    subscriptionId: placement.subscriptionId,
    resourceGroup: placement.resourceGroup,
    location: pool.location ?? placement.location,
    container: normalizeContainer(container, name, secrets),
    targetPort,
    lifecycle: normalizeLifecycle(pool),
    maxConcurrentSessions: scale.maxConcurrentSessions,
    readySessionInstances: scale.readySessionInstances,
    egress:
      (properties.sessionNetworkConfiguration?.status ?? POOL_DEFAULTS.networkStatus) === 'EgressEnabled',
    secretNames: [...secrets.keys()],
    managedIdentityInSessions: (properties.managedIdentitySettings ?? []).some(
      (setting) => setting.lifecycle === 'Main' || setting.lifecycle === 'All',
    ),
  };
  const registry = normalizeRegistry(pool, secrets);
  if (registry) spec.registry = registry;
  rememberDefinition(spec, pool);
  return spec;
}

function normalizeLifecycle(pool: SessionPoolResource): Lifecycle {
  const lifecycle = effectiveLifecycle(pool.properties.dynamicPoolConfiguration);
  return lifecycle.type === 'Timed'
    ? { type: 'Timed', cooldownMs: lifecycle.seconds * 1000 }
    : { type: 'OnContainerExit', maxAliveMs: lifecycle.seconds * 1000 };
}

/** The az CLI names the container after the pool when no name is given; so does Sessionite. */
function normalizeContainer(
  container: SessionContainer,
  poolName: string,
  secrets: ReadonlyMap<string, string>,
): ContainerTemplate {
  const env: Record<string, string> = {};
  for (const entry of container.env ?? []) {
    env[entry.name] = entry.secretRef != null ? resolveSecret(secrets, entry.secretRef) : (entry.value ?? '');
  }
  const memory = container.resources?.memory;
  return {
    name: container.name ?? poolName,
    image: (container.image ?? '').trim(),
    command: container.command ?? [],
    args: container.args ?? [],
    env,
    cpu: container.resources?.cpu ?? POOL_DEFAULTS.cpu,
    memoryBytes:
      memory != null ? (parseMemory(memory) ?? POOL_DEFAULTS.memoryBytes) : POOL_DEFAULTS.memoryBytes,
    probes: (container.probes ?? []).map(normalizeProbe),
  };
}

function resolveSecret(secrets: ReadonlyMap<string, string>, name: string): string {
  const value = secrets.get(name);
  if (value === undefined) throw new Error(`normalizeSessionPool: secret '${name}' is not defined`);
  return value;
}

function normalizeProbe(probe: SessionProbe): ProbeSpec {
  const defaults = POOL_DEFAULTS.probe;
  return {
    type: probe.type ?? 'Liveness',
    check: probe.httpGet
      ? {
          kind: 'http',
          path: probe.httpGet.path ?? '/',
          port: probe.httpGet.port,
          scheme: probe.httpGet.scheme ?? 'HTTP',
          headers: Object.fromEntries((probe.httpGet.httpHeaders ?? []).map((h) => [h.name, h.value])),
        }
      : { kind: 'tcp', port: probe.tcpSocket?.port ?? 0 },
    failureThreshold: probe.failureThreshold ?? defaults.failureThreshold,
    initialDelayMs: (probe.initialDelaySeconds ?? defaults.initialDelaySeconds) * 1000,
    periodMs: (probe.periodSeconds ?? defaults.periodSeconds) * 1000,
    timeoutMs: (probe.timeoutSeconds ?? defaults.timeoutSeconds) * 1000,
  };
}

/**
 * Username/password credentials are resolved. A registry `identity` cannot authenticate locally: the
 * pool keeps only the server and pulls with whatever the local engine is logged in with.
 */
function normalizeRegistry(
  pool: SessionPoolResource,
  secrets: ReadonlyMap<string, string>,
): RegistryCredentials | undefined {
  const registry = pool.properties.customContainerTemplate?.registryCredentials;
  const server = registry?.server ?? registry?.registryServer;
  if (!registry || server == null) return undefined;
  const credentials: RegistryCredentials = { server };
  if (registry.username != null && registry.passwordSecretRef != null) {
    credentials.username = registry.username;
    credentials.password = resolveSecret(secrets, registry.passwordSecretRef);
  }
  return credentials;
}
