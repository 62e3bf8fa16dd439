import type { PoolSpec, ProbeSpec } from '../pool/spec.js';
import type {
  ArmEnvVarView,
  ArmProbeView,
  SessionPoolArmView,
  SessionPoolProvisioningState,
} from './arm-view-types.js';
import type { SessionPoolResource } from './arm-schema.js';
import { formatMemory } from './pool-rules.js';

export type { ArmEnvVarView, ArmProbeView, SessionPoolArmView, SessionPoolProvisioningState };

/**
 * The reverse of `normalize.ts`: a `PoolSpec` shown as the current-api ARM resource (2025-07-01 shape,
 * plus probes from the 2025 previews), as the ARM control plane answers GET and the GUI displays it.
 * It never contains a secret value: secrets are listed by name, env entries that came from secrets are
 * shown as their `secretRef`, and the registry password as its `passwordSecretRef`.
 */

export interface ArmViewOptions {
  poolManagementEndpoint: string;
  provisioningState: SessionPoolProvisioningState;
  /**
   * The definition the spec came from. It supplies what the engine does not keep (tags, identity,
   * environmentId, which env entries are secret references). Defaults to the definition remembered when
   * `normalizeSessionPool` made this spec object.
   */
  definition?: SessionPoolResource;
}

const definitions = new WeakMap<PoolSpec, SessionPoolResource>();

/** Called by `normalizeSessionPool` for every spec it makes. */
export function rememberDefinition(spec: PoolSpec, definition: SessionPoolResource): void {
  definitions.set(spec, definition);
}

/** The definition a spec object was made from, while that object is alive. */
export function definitionOf(spec: PoolSpec): SessionPoolResource | undefined {
  return definitions.get(spec);
}

export function poolSpecToArmResource(spec: PoolSpec, options: ArmViewOptions): SessionPoolArmView {
  const definition = options.definition ?? definitions.get(spec);
  const properties = definition?.properties;
  const container = spec.container;
  const lifecycle = spec.lifecycle;
  const view: SessionPoolArmView = {
    id: `/subscriptions/${spec.subscriptionId}/resourceGroups/${spec.resourceGroup}/providers/Microsoft.App/sessionPools/${spec.name}`,
    name: spec.name,
    type: 'Microsoft.App/sessionPools',
    location: spec.location,
    tags: { ...(definition?.tags ?? {}) },
    identity: identityView(spec, definition),
    properties: {
      containerType: 'CustomContainer',
      poolManagementType: 'Dynamic',
      scaleConfiguration: {
        maxConcurrentSessions: spec.maxConcurrentSessions,
        readySessionInstances: spec.readySessionInstances,
      },
      dynamicPoolConfiguration: {
        lifecycleConfiguration:
          lifecycle.type === 'Timed'
            ? { lifecycleType: 'Timed', cooldownPeriodInSeconds: lifecycle.cooldownMs / 1000 }
            : { lifecycleType: 'OnContainerExit', maxAlivePeriodInSeconds: lifecycle.maxAliveMs / 1000 },
      },
      customContainerTemplate: {
        containers: [
          {
            name: container.name,
            image: container.image,
            command: [...container.command],
            args: [...container.args],
            env: envView(spec, definition),
            resources: { cpu: container.cpu, memory: formatMemory(container.memoryBytes) },
            probes: container.probes.map(probeView),
          },
        ],
        ingress: { targetPort: spec.targetPort },
      },
      secrets: spec.secretNames.map((name) => ({ name })),
      sessionNetworkConfiguration: { status: spec.egress ? 'EgressEnabled' : 'EgressDisabled' },
      managedIdentitySettings: identitySettingsView(spec, definition),
      poolManagementEndpoint: options.poolManagementEndpoint,
      provisioningState: options.provisioningState,
    },
  };
  if (properties?.environmentId != null) view.properties.environmentId = properties.environmentId;
  const registry = registryView(spec, definition);
  if (registry) view.properties.customContainerTemplate.registryCredentials = registry;
  return view;
}

/**
 * Env entries that came from a secret show their `secretRef`. Without the definition Sessionite cannot
 * tell which values were secrets, so when the pool has any secret every value is withheld (name only).
 */
function envView(spec: PoolSpec, definition: SessionPoolResource | undefined): ArmEnvVarView[] {
  const defined = definition?.properties.customContainerTemplate?.containers?.[0]?.env ?? [];
  const secretRefs = new Map(
    defined.flatMap((entry) => (entry.secretRef != null ? [[entry.name, entry.secretRef]] : [])),
  );
  const valuesAreSafe = definition !== undefined || spec.secretNames.length === 0;
  return Object.entries(spec.container.env).map(([name, value]) => {
    const secretRef = secretRefs.get(name);
    if (secretRef !== undefined) return { name, secretRef };
    return valuesAreSafe ? { name, value } : { name };
  });
}

function registryView(
  spec: PoolSpec,
  definition: SessionPoolResource | undefined,
): SessionPoolArmView['properties']['customContainerTemplate']['registryCredentials'] {
  if (!spec.registry) return undefined;
  const defined = definition?.properties.customContainerTemplate?.registryCredentials;
  const view: { server: string; username?: string; passwordSecretRef?: string; identity?: string } = {
    server: spec.registry.server,
  };
  if (spec.registry.username !== undefined) view.username = spec.registry.username;
  if (defined?.passwordSecretRef != null) view.passwordSecretRef = defined.passwordSecretRef;
  if (defined?.identity != null) view.identity = defined.identity;
  return view;
}

function identityView(
  spec: PoolSpec,
  definition: SessionPoolResource | undefined,
): SessionPoolArmView['identity'] {
  const identity = definition?.identity;
  if (!identity) return { type: spec.managedIdentityInSessions ? 'SystemAssigned' : 'None' };
  const view: SessionPoolArmView['identity'] = { type: identity.type };
  const userIds = Object.keys(identity.userAssignedIdentities ?? {});
  if (userIds.length > 0) view.userAssignedIdentities = Object.fromEntries(userIds.map((id) => [id, {}]));
  return view;
}

function identitySettingsView(
  spec: PoolSpec,
  definition: SessionPoolResource | undefined,
): SessionPoolArmView['properties']['managedIdentitySettings'] {
  const settings = definition?.properties.managedIdentitySettings;
  if (settings)
    return settings.map((setting) => ({
      identity: setting.identity,
      lifecycle: setting.lifecycle ?? 'None',
    }));
  return spec.managedIdentityInSessions ? [{ identity: 'system', lifecycle: 'Main' }] : [];
}

function probeView(probe: ProbeSpec): ArmProbeView {
  const view: ArmProbeView = {
    type: probe.type,
    failureThreshold: probe.failureThreshold,
    initialDelaySeconds: probe.initialDelayMs / 1000,
    periodSeconds: probe.periodMs / 1000,
    timeoutSeconds: probe.timeoutMs / 1000,
  };
  const check = probe.check;
  if (check.kind === 'http') {
    view.httpGet = {
      path: check.path,
      port: check.port,
      scheme: check.scheme,
      httpHeaders: Object.entries(check.headers).map(([name, value]) => ({ name, value })),
    };
  } else {
    view.tcpSocket = { port: check.port };
  }
  return view;
}
