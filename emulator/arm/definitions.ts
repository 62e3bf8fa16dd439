import type { SessionPoolResource } from '../config/arm-schema.js';
import { definitionOf, poolSpecToArmResource } from '../config/normalize.js';
import type { PoolSpec } from '../pool/spec.js';
import { ArmErrors } from './arm-errors.js';

/** Body shaping for PUT and PATCH: what ARM does to a request before the service's rules see it. */

export type Json = Record<string, unknown>;

export function isObject(value: unknown): value is Json {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

function propertiesOf(body: Json): Json {
  return isObject(body.properties) ? body.properties : {};
}

/**
 * The pool as PATCH merges into it: the current-shape resource GET shows, plus the secret values the
 * engine keeps. Read-only fields are left out (the schema would drop them anyway).
 */
export function currentDefinition(spec: PoolSpec): Json {
  const view = poolSpecToArmResource(spec, { poolManagementEndpoint: '', provisioningState: 'Succeeded' });
  const { id: _id, type: _type, ...resource } = view;
  const { poolManagementEndpoint: _endpoint, provisioningState: _state, ...properties } = view.properties;
  const values = secretValues(definitionOf(spec));
  const secrets = view.properties.secrets.map(({ name }) => {
    const value = values.get(name);
    return value === undefined ? { name } : { name, value };
  });
  return JSON.parse(JSON.stringify({ ...resource, properties: { ...properties, secrets } })) as Json;
}

function secretValues(definition: SessionPoolResource | undefined): Map<string, string> {
  const values = new Map<string, string>();
  for (const secret of definition?.properties.secrets ?? []) {
    if (secret.value != null) values.set(secret.name, secret.value);
  }
  return values;
}

/**
 * PATCH only: a secret listed without a value keeps the value it has, so a client can send back the
 * secret list GET returned (names only) and add one new secret. PUT stays strict: a full definition
 * must carry every value, as on the real service.
 */
export function keepSecretValues(merged: Json, spec: PoolSpec): void {
  const properties = propertiesOf(merged);
  if (!Array.isArray(properties.secrets)) return;
  const values = secretValues(definitionOf(spec));
  properties.secrets = properties.secrets.map((secret: unknown) => {
    if (!isObject(secret) || secret.value != null || typeof secret.name !== 'string') return secret;
    const value = values.get(secret.name);
    return value === undefined ? secret : { ...secret, value };
  });
}

/**
 * PATCH only: switching `lifecycleType` drops the stored field of the other type (cooldown ↔ max-alive)
 * unless the patch sets it, so `{lifecycleType: "OnContainerExit"}` alone is a valid change.
 */
export function dropStaleLifecycleField(merged: Json, patch: unknown): void {
  const patched = isObject(patch) ? lifecycleOf(patch) : undefined;
  const target = lifecycleOf(merged);
  if (!patched || !target || typeof patched.lifecycleType !== 'string') return;
  const type = patched.lifecycleType.toLowerCase();
  if (type === 'oncontainerexit' && !('cooldownPeriodInSeconds' in patched)) delete target.cooldownPeriodInSeconds;
  if (type === 'timed' && !('maxAlivePeriodInSeconds' in patched)) delete target.maxAlivePeriodInSeconds;
}

function lifecycleOf(body: Json): Json | undefined {
  const dynamic = propertiesOf(body).dynamicPoolConfiguration;
  const lifecycle = isObject(dynamic) ? dynamic.lifecycleConfiguration : undefined;
  return isObject(lifecycle) ? lifecycle : undefined;
}

/**
 * `containerType` and `environmentId` cannot change once the pool exists. Checked on the raw body,
 * before the other rules, so that changing `PythonLTS` to `CustomContainer` is reported as the change
 * it is. An environment id may be added to a pool that had none (config-file pools need none).
 */
export function checkImmutable(body: Json, spec: PoolSpec): void {
  const old = definitionOf(spec)?.properties;
  const properties = propertiesOf(body);
  const type = properties.containerType;
  const oldType = old?.containerType ?? 'CustomContainer';
  if (typeof type === 'string' && type.replace(/\s+/g, '').toLowerCase() !== oldType.toLowerCase()) {
    throw ArmErrors.propertyChangeNotAllowed('properties.containerType');
  }
  const environmentId = properties.environmentId;
  const oldEnvironmentId = old?.environmentId;
  if (typeof environmentId === 'string' && oldEnvironmentId != null && environmentId.toLowerCase() !== oldEnvironmentId.toLowerCase()) {
    throw ArmErrors.propertyChangeNotAllowed('properties.environmentId');
  }
}

/** A PUT that replaces a pool without naming its environment keeps the one it had. */
export function carryEnvironmentId(body: Json, spec: PoolSpec): Json {
  const oldEnvironmentId = definitionOf(spec)?.properties.environmentId;
  const properties = propertiesOf(body);
  if (oldEnvironmentId == null || properties.environmentId != null || !isObject(body.properties)) return body;
  return { ...body, properties: { ...properties, environmentId: oldEnvironmentId } };
}

/** `id` is read-only in ARM: the URL says where the pool lives, whatever a pasted body claims. */
export function withoutId(body: Json): Json {
  const { id: _id, ...rest } = body;
  return rest;
}
