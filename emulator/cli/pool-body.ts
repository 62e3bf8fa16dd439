import { UsageError, keyValues, listFlag, numberOrText, stringFlag, type FlagSpecs, type FlagValues } from './pool-args.js';

/**
 * ARM bodies from `az containerapp sessionpool create|update` flags. Only what the user typed is sent
 * (apart from the container's name); defaults and every rule are the service's, so the CLI, ARM
 * clients and the config file all get the same defaults and the same error messages.
 */
export const POOL_FLAGS: FlagSpecs = {
  location: { type: 'string', short: 'l' },
  environment: { type: 'string' },
  'container-type': { type: 'string' },
  image: { type: 'string', short: 'i' },
  'container-name': { type: 'string' },
  cpu: { type: 'string' },
  memory: { type: 'string' },
  'target-port': { type: 'string' },
  'cooldown-period': { type: 'string' },
  'lifecycle-type': { type: 'string' },
  'max-alive-period': { type: 'string' },
  'max-sessions': { type: 'string' },
  'ready-sessions': { type: 'string' },
  'network-status': { type: 'string' },
  'env-vars': { type: 'list' },
  secrets: { type: 'list', short: 's' },
  command: { type: 'list' },
  args: { type: 'list' },
  'registry-server': { type: 'string' },
  'registry-username': { type: 'string' },
  'registry-password': { type: 'string' },
  'registry-identity': { type: 'string' },
  'mi-system-assigned': { type: 'boolean' },
  'mi-user-assigned': { type: 'list' },
  tags: { type: 'list' },
  'no-wait': { type: 'boolean' },
};

type Json = Record<string, unknown>;

/** `sessionite pool create`: a full PUT body. */
export function createBody(values: FlagValues, name: string): Json {
  const properties: Json = {};
  set(properties, 'environmentId', stringFlag(values, 'environment'));
  set(properties, 'containerType', stringFlag(values, 'container-type'));
  properties.poolManagementType = 'Dynamic';
  set(properties, 'scaleConfiguration', scale(values));
  set(properties, 'dynamicPoolConfiguration', lifecycle(values));
  const container: Json = { name: stringFlag(values, 'container-name') ?? name };
  applyContainerFlags(container, values);
  const template: Json = { containers: [container] };
  set(template, 'ingress', ingress(values));
  const secrets = secretList(values);
  const registry = registryCredentials(values, secrets);
  set(template, 'registryCredentials', registry);
  properties.customContainerTemplate = template;
  if (secrets.length > 0) properties.secrets = secrets;
  set(properties, 'sessionNetworkConfiguration', network(values));
  const body: Json = { properties };
  set(body, 'location', stringFlag(values, 'location'));
  set(body, 'tags', tags(values));
  set(body, 'identity', identity(values, undefined));
  return body;
}

/**
 * `sessionite pool update`: a merge patch against `current` (the pool as GET shows it). Arrays replace
 * in a merge patch, so the container and the secret list are sent whole: the container with the
 * changed fields, the secrets as the current names (the service keeps their values) plus new ones.
 */
export function updatePatch(values: FlagValues, current: Json): Json {
  const currentProperties = asObject(current.properties);
  const properties: Json = {};
  set(properties, 'scaleConfiguration', scale(values));
  set(properties, 'dynamicPoolConfiguration', lifecycle(values));
  set(properties, 'sessionNetworkConfiguration', network(values));
  const template: Json = {};
  const currentTemplate = asObject(currentProperties.customContainerTemplate);
  const [currentContainer] = Array.isArray(currentTemplate.containers) ? (currentTemplate.containers as Json[]) : [];
  const container: Json = { ...asObject(currentContainer) };
  if (applyContainerFlags(container, values)) template.containers = [container];
  set(template, 'ingress', ingress(values));
  const added = secretList(values);
  set(template, 'registryCredentials', registryCredentials(values, added));
  if (Object.keys(template).length > 0) properties.customContainerTemplate = template;
  if (added.length > 0) properties.secrets = mergeSecrets(currentProperties.secrets, added);
  const patch: Json = {};
  if (Object.keys(properties).length > 0) patch.properties = properties;
  const newTags = tags(values);
  if (newTags) patch.tags = { ...asObject(current.tags), ...newTags };
  set(patch, 'identity', identity(values, asObject(current.identity)));
  if (Object.keys(patch).length === 0) throw new UsageError('nothing to update: give at least one property to change');
  return patch;
}

/** Image, resources, env, command and args; true when any was given. */
function applyContainerFlags(container: Json, values: FlagValues): boolean {
  let changed = false;
  const image = stringFlag(values, 'image');
  if (image !== undefined) container.image = image;
  const cpu = numberOrText(stringFlag(values, 'cpu'));
  const memory = stringFlag(values, 'memory');
  if (cpu !== undefined || memory !== undefined) {
    const resources: Json = { ...asObject(container.resources) };
    set(resources, 'cpu', cpu);
    set(resources, 'memory', memory);
    container.resources = resources;
  }
  const env = listFlag(values, 'env-vars');
  if (env) container.env = keyValues(env, 'env-vars').map(([name, value]) => envEntry(name, value));
  const command = listFlag(values, 'command');
  if (command) container.command = emptyMeansNone(command);
  const args = listFlag(values, 'args');
  if (args) container.args = emptyMeansNone(args);
  changed = [image, cpu, memory, env, command, args].some((value) => value !== undefined);
  return changed;
}

/** `K=secretref:name` references a secret, as in az. */
function envEntry(name: string, value: string): Json {
  return value.startsWith('secretref:') ? { name, secretRef: value.slice('secretref:'.length) } : { name, value };
}

function scale(values: FlagValues): Json | undefined {
  const scaleConfiguration: Json = {};
  set(scaleConfiguration, 'maxConcurrentSessions', numberOrText(stringFlag(values, 'max-sessions')));
  set(scaleConfiguration, 'readySessionInstances', numberOrText(stringFlag(values, 'ready-sessions')));
  return nonEmpty(scaleConfiguration);
}

function lifecycle(values: FlagValues): Json | undefined {
  const config: Json = {};
  set(config, 'lifecycleType', stringFlag(values, 'lifecycle-type'));
  set(config, 'cooldownPeriodInSeconds', numberOrText(stringFlag(values, 'cooldown-period')));
  set(config, 'maxAlivePeriodInSeconds', numberOrText(stringFlag(values, 'max-alive-period')));
  const lifecycleConfiguration = nonEmpty(config);
  return lifecycleConfiguration && { lifecycleConfiguration };
}

function ingress(values: FlagValues): Json | undefined {
  const targetPort = numberOrText(stringFlag(values, 'target-port'));
  return targetPort === undefined ? undefined : { targetPort };
}

function network(values: FlagValues): Json | undefined {
  const status = stringFlag(values, 'network-status');
  return status === undefined ? undefined : { status };
}

function secretList(values: FlagValues): Json[] {
  const words = listFlag(values, 'secrets') ?? [];
  return keyValues(words, 'secrets').map(([name, value]) => ({ name, value }));
}

/**
 * `--registry-password` becomes a secret, named as az names it (`<server without dots>-<username>`,
 * lowercased and reduced to the characters secret names allow), and is referenced by name.
 */
function registryCredentials(values: FlagValues, secrets: Json[]): Json | undefined {
  const server = stringFlag(values, 'registry-server');
  const username = stringFlag(values, 'registry-username');
  const password = stringFlag(values, 'registry-password');
  const registryIdentity = stringFlag(values, 'registry-identity');
  if (server === undefined && username === undefined && password === undefined && registryIdentity === undefined) return undefined;
  if (server === undefined) throw new UsageError("'--registry-server' is required with the other --registry-* options");
  const credentials: Json = { server };
  if (registryIdentity !== undefined) credentials.identity = registryIdentity;
  if (username !== undefined || password !== undefined) {
    if (username === undefined || password === undefined) {
      throw new UsageError("'--registry-username' and '--registry-password' go together");
    }
    const secretName = registrySecretName(server, username);
    secrets.push({ name: secretName, value: password });
    credentials.username = username;
    credentials.passwordSecretRef = secretName;
  }
  return credentials;
}

export function registrySecretName(server: string, username: string): string {
  const raw = `${server.replace(/\./g, '')}-${username}`.toLowerCase();
  return raw.replace(/[^a-z0-9.-]/g, '-').replace(/^[^a-z0-9]+|[^a-z0-9]+$/g, '').slice(0, 253) || 'registry-password';
}

function mergeSecrets(current: unknown, added: Json[]): Json[] {
  const names = new Set(added.map((secret) => String(secret.name)));
  const kept = (Array.isArray(current) ? (current as Json[]) : [])
    .filter((secret) => typeof secret.name === 'string' && !names.has(secret.name))
    .map((secret) => ({ name: secret.name }));
  return [...kept, ...added];
}

function identity(values: FlagValues, current: Json | undefined): Json | undefined {
  const system = values['mi-system-assigned'] === true;
  const users = listFlag(values, 'mi-user-assigned');
  if (!system && !users) return undefined;
  const currentType = typeof current?.type === 'string' ? current.type : 'None';
  const hasSystem = system || currentType.includes('SystemAssigned');
  const userIds = { ...asObject(current?.userAssignedIdentities), ...Object.fromEntries((users ?? []).map((id) => [id, {}])) };
  const hasUsers = Object.keys(userIds).length > 0;
  const type = hasSystem && hasUsers ? 'SystemAssigned,UserAssigned' : hasSystem ? 'SystemAssigned' : 'UserAssigned';
  return hasUsers ? { type, userAssignedIdentities: userIds } : { type };
}

function tags(values: FlagValues): Record<string, string> | undefined {
  const words = listFlag(values, 'tags');
  return words ? Object.fromEntries(keyValues(words, 'tags')) : undefined;
}

function emptyMeansNone(words: string[]): string[] {
  return words.length === 1 && words[0] === '' ? [] : words;
}

function set(target: Json, key: string, value: unknown): void {
  if (value !== undefined) target[key] = value;
}

function nonEmpty(value: Json): Json | undefined {
  return Object.keys(value).length > 0 ? value : undefined;
}

function asObject(value: unknown): Json {
  return typeof value === 'object' && value !== null && !Array.isArray(value) ? (value as Json) : {};
}
