import { z } from 'zod';

/**
 * Zod schemas for the ARM resource body of `Microsoft.App/sessionPools`, as users paste it from
 * Bicep/ARM templates, `az containerapp sessionpool show` or the REST docs. They describe types only;
 * the service's rules (ranges, lifecycle mixes, secret references …) live in `validate.ts`.
 *
 * Shape sources: `Azure/azure-rest-api-specs` `Microsoft.App/ContainerApps/stable/2025-07-01/SessionPools.json`
 * and `preview/2025-10-02-preview/SessionPools.json` (probes), plus the pre-2025-01-01 shape
 * (`dynamicPoolConfiguration.executionType` and `registryCredentials.registryServer`).
 *
 * Choices:
 * - Unknown properties are dropped, as ARM ignores them; read-only ones (`id`'s siblings `type`,
 *   `systemData`, `properties.poolManagementEndpoint`, `provisioningState`, `nodeCount`,
 *   `templateUpdateStatus` …) are therefore tolerated and ignored. `id` is kept: it carries the
 *   subscription and resource group of a pasted resource.
 * - Optional fields accept `null`, because ARM GET responses (and so `az … show` output) spell
 *   absent values as `null`.
 * - Enum values are matched case-insensitively and returned in their documented spelling: ARM
 *   declares them `modelAsString` and the az CLI compares them lower-cased.
 * - Types of known fields are strict: `"10"` is not a number, `0.5` is not an integer.
 *
 * The schemas know nothing about the config file; the ARM control plane reuses them as they are.
 */

/** A case-insensitive enum that yields the canonical spelling. */
function armEnum<const T extends readonly [string, ...string[]]>(values: T) {
  return z.preprocess((input) => canonicalSpelling(input, values), z.enum(values));
}

function canonicalSpelling(input: unknown, values: readonly string[]): unknown {
  if (typeof input !== 'string') return input;
  const wanted = input.replace(/\s+/g, '').toLowerCase();
  return values.find((value) => value.replace(/\s+/g, '').toLowerCase() === wanted) ?? input;
}

const int = () => z.number().int();
const optionalInt = () => int().nullish();
const optionalString = () => z.string().nullish();
const stringList = () => z.array(z.string()).nullish();

export const containerTypes = ['CustomContainer', 'PythonLTS', 'NodeLTS', 'Shell', 'GpuBase'] as const;
export const lifecycleTypes = ['Timed', 'OnContainerExit'] as const;
export const networkStatuses = ['EgressEnabled', 'EgressDisabled'] as const;
export const identityLifecycles = ['None', 'Main', 'Init', 'All'] as const;
export const probeTypes = ['Liveness', 'Startup'] as const;

export const environmentVarSchema = z.object({
  name: z.string(),
  value: optionalString(),
  secretRef: optionalString(),
});

export const containerResourcesSchema = z.object({
  /** Cores, e.g. 0.5. */
  cpu: z.number().nullish(),
  /** A quantity string, e.g. "0.5Gi", "512Mi". */
  memory: optionalString(),
});

export const httpHeaderSchema = z.object({ name: z.string(), value: z.string() });

export const httpGetActionSchema = z.object({
  host: optionalString(),
  path: optionalString(),
  port: int(),
  scheme: armEnum(['HTTP', 'HTTPS']).nullish(),
  httpHeaders: z.array(httpHeaderSchema).nullish(),
});

export const tcpSocketActionSchema = z.object({ host: optionalString(), port: int() });

export const sessionProbeSchema = z.object({
  type: armEnum(probeTypes).nullish(),
  httpGet: httpGetActionSchema.nullish(),
  tcpSocket: tcpSocketActionSchema.nullish(),
  failureThreshold: optionalInt(),
  initialDelaySeconds: optionalInt(),
  periodSeconds: optionalInt(),
  successThreshold: optionalInt(),
  terminationGracePeriodSeconds: optionalInt(),
  timeoutSeconds: optionalInt(),
});

export const sessionContainerSchema = z.object({
  name: optionalString(),
  image: optionalString(),
  command: stringList(),
  args: stringList(),
  env: z.array(environmentVarSchema).nullish(),
  resources: containerResourcesSchema.nullish(),
  probes: z.array(sessionProbeSchema).nullish(),
});

export const registryCredentialsSchema = z.object({
  server: optionalString(),
  /** The 2024-02-02-preview spelling of `server`. */
  registryServer: optionalString(),
  username: optionalString(),
  passwordSecretRef: optionalString(),
  /** `system` or the resource id of a user-assigned identity. */
  identity: optionalString(),
});

export const customContainerTemplateSchema = z.object({
  registryCredentials: registryCredentialsSchema.nullish(),
  containers: z.array(sessionContainerSchema).nullish(),
  ingress: z.object({ targetPort: optionalInt() }).nullish(),
});

export const lifecycleConfigurationSchema = z.object({
  lifecycleType: armEnum(lifecycleTypes).nullish(),
  cooldownPeriodInSeconds: optionalInt(),
  maxAlivePeriodInSeconds: optionalInt(),
});

export const dynamicPoolConfigurationSchema = z.object({
  /** Current shape (2025-01-01 and later). */
  lifecycleConfiguration: lifecycleConfigurationSchema.nullish(),
  /** Legacy shape (before 2025-01-01): `executionType` was always `Timed`. */
  executionType: armEnum(['Timed']).nullish(),
  cooldownPeriodInSeconds: optionalInt(),
});

export const scaleConfigurationSchema = z.object({
  maxConcurrentSessions: optionalInt(),
  readySessionInstances: optionalInt(),
});

export const sessionPoolSecretSchema = z.object({
  name: z.string(),
  /** Absent in GET responses (values are never returned), so optional here; `validate.ts` requires it. */
  value: optionalString(),
});

export const managedIdentitySettingSchema = z.object({
  identity: z.string(),
  lifecycle: armEnum(identityLifecycles).nullish(),
});

export const managedServiceIdentitySchema = z.object({
  /** The az CLI sends "SystemAssigned, UserAssigned" with a space; both spellings are accepted. */
  type: armEnum(['None', 'SystemAssigned', 'UserAssigned', 'SystemAssigned,UserAssigned']),
  /** Keys are identity resource ids; values carry read-only principalId/clientId (ignored). */
  userAssignedIdentities: z.record(z.string(), z.object({}).nullish()).nullish(),
});

export const sessionPoolPropertiesSchema = z.object({
  environmentId: optionalString(),
  containerType: armEnum(containerTypes).nullish(),
  poolManagementType: armEnum(['Dynamic', 'Manual']).nullish(),
  scaleConfiguration: scaleConfigurationSchema.nullish(),
  secrets: z.array(sessionPoolSecretSchema).nullish(),
  dynamicPoolConfiguration: dynamicPoolConfigurationSchema.nullish(),
  customContainerTemplate: customContainerTemplateSchema.nullish(),
  sessionNetworkConfiguration: z.object({ status: armEnum(networkStatuses).nullish() }).nullish(),
  managedIdentitySettings: z.array(managedIdentitySettingSchema).nullish(),
});

export const sessionPoolResourceSchema = z.object({
  /** Read-only in ARM; kept because it names the subscription and resource group of a pasted body. */
  id: optionalString(),
  name: optionalString(),
  location: optionalString(),
  tags: z.record(z.string(), z.string()).nullish(),
  identity: managedServiceIdentitySchema.nullish(),
  properties: sessionPoolPropertiesSchema,
});

export type SessionPoolResource = z.output<typeof sessionPoolResourceSchema>;
export type SessionPoolProperties = z.output<typeof sessionPoolPropertiesSchema>;
export type SessionContainer = z.output<typeof sessionContainerSchema>;
export type SessionProbe = z.output<typeof sessionProbeSchema>;
export type EnvironmentVar = z.output<typeof environmentVarSchema>;
export type RegistryCredentialsDefinition = z.output<typeof registryCredentialsSchema>;
export type CustomContainerTemplate = z.output<typeof customContainerTemplateSchema>;
export type DynamicPoolConfiguration = z.output<typeof dynamicPoolConfigurationSchema>;
export type ManagedServiceIdentity = z.output<typeof managedServiceIdentitySchema>;
export type ManagedIdentitySetting = z.output<typeof managedIdentitySettingSchema>;
export type SessionPoolSecret = z.output<typeof sessionPoolSecretSchema>;
export type ContainerType = (typeof containerTypes)[number];
export type LifecycleType = (typeof lifecycleTypes)[number];
