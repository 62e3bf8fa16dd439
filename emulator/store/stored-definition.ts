import { createHash } from 'node:crypto';
import type { SessionPoolResource } from '../config/arm-schema.js';
import type { PoolSpec } from '../pool/spec.js';
import type { StoredPool } from './pool-file.js';

/**
 * The split between what goes to the plain pool file and what goes to the secret store. Every secret
 * value of a pool definition sits in `properties.secrets[].value` (env entries and the registry
 * password only *reference* secrets by name), so removing those values removes every secret.
 */
export interface SplitDefinition {
  /** The definition with `properties.secrets` reduced to names; JSON-safe. */
  plain: Record<string, unknown>;
  secrets: Record<string, string>;
}

export function splitSecrets(definition: SessionPoolResource): SplitDefinition {
  const secrets: Record<string, string> = {};
  for (const secret of definition.properties.secrets ?? []) {
    if (secret.value != null) secrets[secret.name] = secret.value;
  }
  // `id` is read-only in ARM and re-derived from where the pool lives; it is not part of the definition.
  const { id: _id, ...rest } = definition;
  const plain = JSON.parse(JSON.stringify(rest)) as Record<string, unknown> & { properties: Record<string, unknown> };
  if (definition.properties.secrets != null) {
    plain.properties.secrets = definition.properties.secrets.map((secret) => ({ name: secret.name }));
  }
  return { plain, secrets };
}

/** The inverse: a body ready for `sessionPoolToSpec`. A secret without a stored value stays without one. */
export function joinSecrets(plain: Record<string, unknown>, secrets: Record<string, string>): Record<string, unknown> {
  const body = JSON.parse(JSON.stringify(plain)) as Record<string, unknown>;
  const properties = body.properties;
  if (typeof properties !== 'object' || properties === null) return body;
  const list = (properties as { secrets?: unknown }).secrets;
  if (!Array.isArray(list)) return body;
  (properties as { secrets: unknown[] }).secrets = list.map((entry: unknown) => {
    const name = (entry as { name?: unknown } | null)?.name;
    if (typeof name !== 'string') return entry;
    const value = secrets[name];
    return value === undefined ? { name } : { name, value };
  });
  return body;
}

/** A record for the pool file; `createdAt` survives updates. */
export function storedPool(
  spec: PoolSpec,
  plain: Record<string, unknown>,
  now: Date,
  previous: StoredPool | undefined,
): StoredPool {
  return {
    name: spec.name,
    subscriptionId: spec.subscriptionId,
    resourceGroup: spec.resourceGroup,
    location: spec.location,
    definition: plain,
    createdAt: previous?.createdAt ?? now.toISOString(),
    updatedAt: now.toISOString(),
  };
}

/**
 * What makes two saves equal. Hashed so that the in-memory copy used to skip redundant writes does not
 * hold one more copy of the secret values.
 */
export function fingerprint(record: StoredPool, secrets: Record<string, string>): string {
  const { createdAt: _c, updatedAt: _u, ...stable } = record;
  const sortedSecrets = Object.entries(secrets).sort(([a], [b]) => a.localeCompare(b));
  return createHash('sha256').update(JSON.stringify([stable, sortedSecrets])).digest('hex');
}
