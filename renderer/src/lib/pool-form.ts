import type { SessionPoolArmView, ValidationIssue } from '../api/contract.js';

/**
 * The pool form's model and its translation to and from the ARM `Microsoft.App/sessionPools` body.
 * Every input keeps its text as typed; numbers that do not parse are sent as text, so the API's own
 * validation reports them ("must be a number") on the field, exactly as ARM would.
 */
export interface EnvRow {
  name: string;
  source: 'value' | 'secretRef';
  value: string;
}
export interface SecretRow {
  name: string;
  value: string;
  existing: boolean;
}
export interface ProbeRow {
  type: 'Liveness' | 'Startup';
  kind: 'httpGet' | 'tcpSocket';
  path: string;
  port: string;
  scheme: 'HTTP' | 'HTTPS';
  failureThreshold: string;
  initialDelaySeconds: string;
  periodSeconds: string;
  timeoutSeconds: string;
}
export interface IdentitySettingRow {
  identity: string;
  lifecycle: 'None' | 'Main' | 'Init' | 'All';
}

export interface PoolForm {
  name: string;
  location: string;
  image: string;
  containerName: string;
  command: string;
  args: string;
  cpu: string;
  memory: string;
  targetPort: string;
  lifecycleType: 'Timed' | 'OnContainerExit';
  cooldownSeconds: string;
  maxAliveSeconds: string;
  maxConcurrentSessions: string;
  readySessionInstances: string;
  egress: 'EgressDisabled' | 'EgressEnabled';
  env: EnvRow[];
  secrets: SecretRow[];
  registryServer: string;
  registryUsername: string;
  registryPasswordSecretRef: string;
  registryIdentity: string;
  probes: ProbeRow[];
  identityType: 'None' | 'SystemAssigned' | 'UserAssigned' | 'SystemAssigned,UserAssigned';
  userAssignedIdentities: string;
  identitySettings: IdentitySettingRow[];
}

const T = 'properties.customContainerTemplate';
const C = `${T}.containers[0]`;
const L = 'properties.dynamicPoolConfiguration.lifecycleConfiguration';

/** ARM paths of the form's fields: the key to the API's validation messages. */
export const paths = {
  name: 'name',
  location: 'location',
  image: `${C}.image`,
  containerName: `${C}.name`,
  command: `${C}.command`,
  args: `${C}.args`,
  cpu: `${C}.resources.cpu`,
  memory: `${C}.resources.memory`,
  targetPort: `${T}.ingress.targetPort`,
  lifecycleType: `${L}.lifecycleType`,
  cooldownSeconds: `${L}.cooldownPeriodInSeconds`,
  maxAliveSeconds: `${L}.maxAlivePeriodInSeconds`,
  maxConcurrentSessions: 'properties.scaleConfiguration.maxConcurrentSessions',
  readySessionInstances: 'properties.scaleConfiguration.readySessionInstances',
  egress: 'properties.sessionNetworkConfiguration.status',
  env: (i: number, field?: 'name' | 'value' | 'secretRef') => `${C}.env[${i}]${field ? `.${field}` : ''}`,
  secret: (i: number, field?: 'name' | 'value') => `properties.secrets[${i}]${field ? `.${field}` : ''}`,
  registryServer: `${T}.registryCredentials.server`,
  registryUsername: `${T}.registryCredentials.username`,
  registryPasswordSecretRef: `${T}.registryCredentials.passwordSecretRef`,
  registryIdentity: `${T}.registryCredentials.identity`,
  probe: (i: number, field?: string) => `${C}.probes[${i}]${field ? `.${field}` : ''}`,
  identityType: 'identity.type',
  userAssignedIdentities: 'identity.userAssignedIdentities',
  identitySetting: (i: number) => `properties.managedIdentitySettings[${i}].identity`,
} as const;

export function emptyForm(): PoolForm {
  return {
    name: '',
    location: '',
    image: '',
    containerName: 'main',
    command: '',
    args: '',
    cpu: '0.25',
    memory: '0.5Gi',
    targetPort: '8080',
    lifecycleType: 'Timed',
    cooldownSeconds: '300',
    maxAliveSeconds: '3600',
    maxConcurrentSessions: '10',
    readySessionInstances: '1',
    egress: 'EgressDisabled',
    env: [],
    secrets: [],
    registryServer: '',
    registryUsername: '',
    registryPasswordSecretRef: '',
    registryIdentity: '',
    probes: [],
    identityType: 'None',
    userAssignedIdentities: '',
    identitySettings: [],
  };
}

export function emptyProbe(): ProbeRow {
  return {
    type: 'Liveness',
    kind: 'httpGet',
    path: '/',
    port: '',
    scheme: 'HTTP',
    failureThreshold: '',
    initialDelaySeconds: '',
    periodSeconds: '',
    timeoutSeconds: '',
  };
}

/** A number when the text is one, the text itself when not (the API names the problem), nothing when empty. */
function num(text: string): number | string | undefined {
  const trimmed = text.trim();
  if (trimmed === '') return undefined;
  const value = Number(trimmed);
  return Number.isFinite(value) ? value : trimmed;
}

function str(text: string): string | undefined {
  const trimmed = text.trim();
  return trimmed === '' ? undefined : trimmed;
}

function lines(text: string): string[] {
  return text
    .split('\n')
    .map((line) => line.trim())
    .filter((line) => line !== '');
}

/** Drops undefined members so the body only says what the user said. */
function compact<T extends Record<string, unknown>>(value: T): Partial<T> {
  return Object.fromEntries(Object.entries(value).filter(([, v]) => v !== undefined)) as Partial<T>;
}

export function toDefinition(form: PoolForm): Record<string, unknown> {
  const registry = compact({
    server: str(form.registryServer),
    username: str(form.registryUsername),
    passwordSecretRef: str(form.registryPasswordSecretRef),
    identity: str(form.registryIdentity),
  });
  const userIds = lines(form.userAssignedIdentities);
  return compact({
    location: str(form.location),
    identity:
      form.identityType === 'None'
        ? undefined
        : compact({
            type: form.identityType,
            userAssignedIdentities: userIds.length
              ? Object.fromEntries(userIds.map((id) => [id, {}]))
              : undefined,
          }),
    properties: compact({
      containerType: 'CustomContainer',
      poolManagementType: 'Dynamic',
      scaleConfiguration: compact({
        maxConcurrentSessions: num(form.maxConcurrentSessions),
        readySessionInstances: num(form.readySessionInstances),
      }),
      dynamicPoolConfiguration: {
        lifecycleConfiguration: compact({
          lifecycleType: form.lifecycleType,
          cooldownPeriodInSeconds: form.lifecycleType === 'Timed' ? num(form.cooldownSeconds) : undefined,
          maxAlivePeriodInSeconds:
            form.lifecycleType === 'OnContainerExit' ? num(form.maxAliveSeconds) : undefined,
        }),
      },
      secrets: form.secrets.length
        ? form.secrets.map((s) =>
            compact({ name: s.name.trim(), value: s.value === '' ? undefined : s.value }),
          )
        : undefined,
      customContainerTemplate: compact({
        registryCredentials: Object.keys(registry).length ? registry : undefined,
        containers: [
          compact({
            name: str(form.containerName),
            image: form.image.trim(),
            command: lines(form.command).length ? lines(form.command) : undefined,
            args: lines(form.args).length ? lines(form.args) : undefined,
            env: form.env.length
              ? form.env.map((e) =>
                  e.source === 'value'
                    ? { name: e.name.trim(), value: e.value }
                    : { name: e.name.trim(), secretRef: e.value.trim() },
                )
              : undefined,
            resources: compact({ cpu: num(form.cpu), memory: str(form.memory) }),
            probes: form.probes.length ? form.probes.map(probeBody) : undefined,
          }),
        ],
        ingress: compact({ targetPort: num(form.targetPort) }),
      }),
      sessionNetworkConfiguration: { status: form.egress },
      managedIdentitySettings: form.identitySettings.length
        ? form.identitySettings.map((s) => ({ identity: s.identity.trim(), lifecycle: s.lifecycle }))
        : undefined,
    }),
  });
}

function probeBody(probe: ProbeRow): Record<string, unknown> {
  const check =
    probe.kind === 'httpGet'
      ? { httpGet: compact({ path: str(probe.path), port: num(probe.port), scheme: probe.scheme }) }
      : { tcpSocket: compact({ port: num(probe.port) }) };
  return compact({
    type: probe.type,
    ...check,
    failureThreshold: num(probe.failureThreshold),
    initialDelaySeconds: num(probe.initialDelaySeconds),
    periodSeconds: num(probe.periodSeconds),
    timeoutSeconds: num(probe.timeoutSeconds),
  });
}

/** An existing pool, as the API shows it, back into the form (secret values are never shown). */
export function fromDefinition(view: SessionPoolArmView): PoolForm {
  const p = view.properties;
  const container = p.customContainerTemplate.containers[0];
  const lifecycle = p.dynamicPoolConfiguration.lifecycleConfiguration;
  const registry = p.customContainerTemplate.registryCredentials;
  const form = emptyForm();
  return {
    ...form,
    name: view.name,
    location: view.location,
    image: container?.image ?? '',
    containerName: container?.name ?? '',
    command: (container?.command ?? []).join('\n'),
    args: (container?.args ?? []).join('\n'),
    cpu: String(container?.resources.cpu ?? ''),
    memory: container?.resources.memory ?? '',
    targetPort: String(p.customContainerTemplate.ingress.targetPort),
    lifecycleType: lifecycle.lifecycleType,
    cooldownSeconds:
      lifecycle.lifecycleType === 'Timed' ? String(lifecycle.cooldownPeriodInSeconds) : form.cooldownSeconds,
    maxAliveSeconds:
      lifecycle.lifecycleType === 'OnContainerExit'
        ? String(lifecycle.maxAlivePeriodInSeconds)
        : form.maxAliveSeconds,
    maxConcurrentSessions: String(p.scaleConfiguration.maxConcurrentSessions),
    readySessionInstances: String(p.scaleConfiguration.readySessionInstances),
    egress: p.sessionNetworkConfiguration.status,
    env: (container?.env ?? []).map((e) =>
      e.secretRef !== undefined
        ? { name: e.name, source: 'secretRef', value: e.secretRef }
        : { name: e.name, source: 'value', value: e.value ?? '' },
    ),
    secrets: p.secrets.map((s) => ({ name: s.name, value: '', existing: true })),
    registryServer: registry?.server ?? '',
    registryUsername: registry?.username ?? '',
    registryPasswordSecretRef: registry?.passwordSecretRef ?? '',
    registryIdentity: registry?.identity ?? '',
    probes: (container?.probes ?? []).map((probe) => ({
      type: probe.type,
      kind: probe.httpGet ? 'httpGet' : 'tcpSocket',
      path: probe.httpGet?.path ?? '/',
      port: String(probe.httpGet?.port ?? probe.tcpSocket?.port ?? ''),
      scheme: probe.httpGet?.scheme ?? 'HTTP',
      failureThreshold: String(probe.failureThreshold),
      initialDelaySeconds: String(probe.initialDelaySeconds),
      periodSeconds: String(probe.periodSeconds),
      timeoutSeconds: String(probe.timeoutSeconds),
    })),
    identityType: normalizeIdentityType(view.identity.type),
    userAssignedIdentities: Object.keys(view.identity.userAssignedIdentities ?? {}).join('\n'),
    identitySettings: p.managedIdentitySettings.map((s) => ({
      identity: s.identity,
      lifecycle: s.lifecycle,
    })),
  };
}

function normalizeIdentityType(type: string): PoolForm['identityType'] {
  const compactType = type.replace(/\s+/g, '');
  const known: PoolForm['identityType'][] = [
    'None',
    'SystemAssigned',
    'UserAssigned',
    'SystemAssigned,UserAssigned',
  ];
  return known.find((k) => k.toLowerCase() === compactType.toLowerCase()) ?? 'None';
}

/** Messages for one field: exact path matches. */
export function issuesAt(issues: readonly ValidationIssue[], path: string): string[] {
  return issues.filter((issue) => issue.path === path).map((issue) => issue.rule);
}

/** Issues no field shows (e.g. a rule about a whole section): listed above the form. */
export function unplacedIssues(
  issues: readonly ValidationIssue[],
  shown: ReadonlySet<string>,
): ValidationIssue[] {
  return issues.filter((issue) => !shown.has(issue.path));
}
