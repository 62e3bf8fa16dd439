import { definitionOf } from '../config/arm-view.js';
import { DEFAULT_LOCATION, DEFAULT_RESOURCE_GROUP, DEFAULT_SUBSCRIPTION_ID } from '../config/file-schema.js';
import type { ValidationIssue } from '../config/issues.js';
import { sessionPoolToSpec } from '../config/normalize.js';
import type { Emulator } from '../emulator.js';
import type { SessionPool } from '../pool/session-pool.js';

/**
 * How the dashboard creates, changes and deletes pools. Until the ARM control plane (`emulator/arm/`)
 * lands this validates with the same `sessionPoolToSpec` the config file and ARM use, so a form shows
 * exactly the messages ARM would; afterwards the ARM module can provide its own `PoolWriter` (passed as
 * `AdminOptions.pools`) and the routes stay as they are.
 */
export type PutPoolResult =
  | { ok: true; created: boolean; pool: SessionPool }
  | { ok: false; reason: 'invalid'; issues: ValidationIssue[] }
  | { ok: false; reason: 'exists' };

export interface PoolWriter {
  /** Create or replace; `createOnly` refuses to replace an existing pool (`If-None-Match: *`). */
  put(name: string, definition: unknown, options: { createOnly: boolean }): Promise<PutPoolResult>;
  delete(name: string): Promise<boolean>;
}

export function engineShortcutPoolWriter(emulator: Emulator): PoolWriter {
  return {
    async put(name, definition, { createOnly }) {
      const existing = emulator.getPool(name);
      if (existing && createOnly) return { ok: false, reason: 'exists' };
      const body = existing ? keepSecretValues(definition, existing) : definition;
      const placement = existing
        ? {
            subscriptionId: existing.spec.subscriptionId,
            resourceGroup: existing.spec.resourceGroup,
            location: existing.spec.location,
          }
        : {
            subscriptionId: DEFAULT_SUBSCRIPTION_ID,
            resourceGroup: DEFAULT_RESOURCE_GROUP,
            location: DEFAULT_LOCATION,
          };
      const result = sessionPoolToSpec(body, name, placement);
      if (!result.ok) return { ok: false, reason: 'invalid', issues: result.issues };
      if (!existing) return { ok: true, created: true, pool: emulator.createPool(result.spec) };
      // The update resolves when the new image is ready; its progress arrives as pool events.
      void emulator.updatePool(result.spec).catch(() => undefined);
      return { ok: true, created: false, pool: existing };
    },
    delete: (name) => emulator.deletePool(name),
  };
}

/**
 * Secrets sent without a value keep the pool's current value. Only names present in the current
 * definition are filled; a new secret without a value still fails validation.
 */
function keepSecretValues(definition: unknown, pool: SessionPool): unknown {
  const current = definitionOf(pool.spec)?.properties.secrets ?? [];
  if (!isRecord(definition) || !isRecord(definition.properties)) return definition;
  const secrets = definition.properties.secrets;
  if (!Array.isArray(secrets)) return definition;
  const values = new Map(current.map((secret) => [secret.name, secret.value]));
  const merged = secrets.map((secret: unknown) => {
    if (!isRecord(secret) || secret.value != null || typeof secret.name !== 'string') return secret;
    const value = values.get(secret.name);
    return value == null ? secret : { ...secret, value };
  });
  return { ...definition, properties: { ...definition.properties, secrets: merged } };
}

function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}
